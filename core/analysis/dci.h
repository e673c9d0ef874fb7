// DCI: Disentanglement, Completeness and Informativeness (Eastwood & Williams 2018, "A
// Framework for the Quantitative Evaluation of Disentangled Representations", sec. 2), as a
// pure function of latent means and ground-truth factors.
//
// One regressor per factor gives an importance matrix R [D, F]. Here the regressor is ridge
// linear regression on standardised codes and standardised factors (the paper's linear
// variant, with an L2 instead of its L1 penalty so the fit is one closed-form solve), and
// R_df = |standardised coefficient of code d for factor f|. Standardising both sides makes
// R independent of each code's and each factor's scale, so no factor dominates a row just
// because it has more variance. disentanglement_lib uses gradient-boosted trees instead.
//
//   disentanglement  D = sum_d rho_d (1 - H_F(P_d.)),  P = R row-normalised,
//                    rho_d = sum_f R_df / sum R
//   completeness     C = 1/F sum_f (1 - H_D(P~_.f)),  P~ = R column-normalised
//   informativeness  I = 1/F sum_f R²_f on held-out rows (the paper's prediction error,
//                    expressed as R² so that 1 is perfect)
// H_K is entropy with logarithm base K, so each term lies in [0, 1].
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

namespace acc {

struct DciResult {
  torch::Tensor importance;  // R [D, F] float64, >= 0
  // nullopt when F = 1: H_F has log base 1, and one factor cannot be shared between factors.
  std::optional<double> disentanglement;
  std::vector<double> disentanglement_per_code;  // 1 - H_F(P_d.); empty when F = 1
  std::vector<double> code_weights;              // rho_d
  // Completeness is the plain mean over factors as in the paper; disentanglement_lib weights
  // factors by their share of R instead. nullopt when D = 1 (log base 1).
  std::optional<double> completeness;
  std::vector<double> completeness_per_factor;     // 1 - H_D(P~_.f); empty when D = 1
  double informativeness = 0;                      // mean test R²
  std::vector<double> informativeness_per_factor;  // test R² (raw, may be negative)
  std::vector<double> train_r2_per_factor;         // training R², to spot overfitting
  double alpha = 0;
  int64_t train_rows = 0, test_rows = 0;

  nlohmann::json to_json() const;
};

// codes [N, D], factors [N, F], N >= 10. Fitted on the holdout_split() training rows (i % 5
// != 4), informativeness on its test rows. `alpha` is the relative ridge penalty (see
// ridge_fit). A constant code dimension gets importance 0 for every factor; if every
// importance is 0 (e.g. a constant representation), every P row and column is taken as
// uniform, so disentanglement and completeness are 0 — the representation separates nothing.
DciResult dci(const torch::Tensor& codes, const torch::Tensor& factors, double alpha = 1e-3);

}  // namespace acc
