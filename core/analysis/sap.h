// SAP, the Separated Attribute Predictability score (Kumar et al. 2018, "Variational
// Inference of Disentangled Latent Concepts from Unlabeled Observations", sec. 3), as a pure
// function of latent means and ground-truth factors.
//
// Score matrix S [D, F]: S_df is how well code dimension d alone linearly predicts factor f,
// here the R² of a 1-D linear regression, i.e. the squared Pearson correlation
// cov(z_d, v_f)² / (var z_d · var v_f) over the whole set — disentanglement_lib's
// "continuous factors" branch of sap_score.py. SAP = 1/F sum_f (S_(1)f - S_(2)f), the gap
// between the best and second-best single dimension for each factor.
//
// Discrete factors use the same squared correlation (disentanglement_lib would train a
// LinearSVC per cell instead). For acc's discrete factors — ordered values such as
// shape in {0, 0.5, 1} — a linear fit is a fair probe; a dimension that encodes such a
// factor non-monotonically scores lower than a classifier would rate it.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

namespace acc {

struct SapResult {
  // Mean gap over the factors that vary; nullopt when no factor varies.
  std::optional<double> score;
  // Gap per factor; nullopt for a constant factor (its correlations are 0/0).
  std::vector<std::optional<double>> per_factor;
  torch::Tensor matrix;  // S [D, F] float64 in [0, 1]
  int64_t rows = 0;

  nlohmann::json to_json() const;
};

// codes [N, D], factors [N, F], N >= 2. A constant code dimension scores 0 for every factor
// (it predicts nothing). With D = 1 the gap is the single dimension's score.
SapResult sap(const torch::Tensor& codes, const torch::Tensor& factors);

}  // namespace acc
