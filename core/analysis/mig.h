// MIG, the Mutual Information Gap (Chen et al. 2018, "Isolating Sources of Disentanglement
// in Variational Autoencoders"), computed as disentanglement_lib's mig.py does: a
// pure function of latent means and ground-truth factors, with mutual information estimated
// from discretised values rather than the paper's sampled q(z|x).
//
//   MIG = 1/F sum_f (I(z_(1); v_f) - I(z_(2); v_f)) / H(v_f)
//
// where z_(1), z_(2) are the code dimensions with the largest and second-largest mutual
// information with factor v_f. Near 1 when each factor is captured by exactly one code
// dimension; near 0 when a factor is shared by two dimensions or by none.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

namespace acc {

struct MigResult {
  // Mean normalised gap over the factors that vary; nullopt when no factor varies.
  std::optional<double> score;
  // Normalised gap per factor; nullopt for a factor with zero entropy (constant on the set).
  std::vector<std::optional<double>> per_factor;
  torch::Tensor mi;                      // [D, F] float64, nats
  std::vector<double> entropies;         // H(v_f) of the discretised factors, nats
  std::vector<int64_t> factor_classes;   // classes each factor was discretised into
  std::vector<bool> factor_binned;       // true: histogram bins; false: its distinct values
  std::vector<int64_t> skipped_factors;  // factors with H = 0, left out of the mean
  int64_t bins = 0;
  int64_t rows = 0;

  nlohmann::json to_json() const;
};

// codes [N, D], factors [N, F] (N >= 2). Each code dimension is cut into `bins` equal-width
// bins over its own [min, max] (np.histogram + np.digitize, so the maximum falls in the last
// bin and a constant dimension in a single bin). A factor with at most `bins` distinct values
// is used as is (each value a class: discrete factors such as shape); otherwise it is cut
// into `bins` equal-width bins like the codes. With D = 1 there is no second dimension and
// the gap is I(z_(1); v_f) / H(v_f).
MigResult mig(const torch::Tensor& codes, const torch::Tensor& factors, int64_t bins = 20);

}  // namespace acc
