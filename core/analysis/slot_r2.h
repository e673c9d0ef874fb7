// Slot R² matrix: for models whose latent is split into named groups (factor slots), how
// much of each ground-truth factor each group's slice linearly explains. Entry [g, f] is
// the held-out R² of ridge regression from codes[:, begin_g:end_g] to factor f. A model that
// routes each factor to its own slot shows a strong diagonal (slot g explains factor g,
// the others explain ~0); leaking factors show up as off-diagonal mass.
//
// R² is reported raw, not clipped at 0: a negative value means the slice predicts the
// factor worse than the test rows' mean, i.e. it carries no usable linear information and
// the fit only added variance. Clipping would hide how far from useful a slot is.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace acc {

struct SlotR2Result {
  std::vector<std::string> slice_names;
  std::vector<std::pair<int64_t, int64_t>> slices;  // [begin, end) into the code dimensions
  torch::Tensor r2;                                 // [G, F] float64 test R²
  double alpha = 0;
  int64_t train_rows = 0, test_rows = 0;

  nlohmann::json to_json() const;
};

// codes [N, D], factors [N, F], N >= 10; one name per slice. Fitted on the holdout_split()
// training rows (i % 5 != 4), scored on its test rows; `alpha` is the relative ridge
// penalty (see ridge_fit). A slice outside [0, D) or empty raises acc::Error; slices may
// overlap (e.g. a whole-latent row next to per-slot rows).
SlotR2Result slot_r2(const torch::Tensor& codes, const torch::Tensor& factors,
                     const std::vector<std::pair<int64_t, int64_t>>& slices,
                     const std::vector<std::string>& slice_names, double alpha = 1e-3);

}  // namespace acc
