// Linear regression and input checks shared by the disentanglement scores (SAP, DCI, slot
// R²): every score takes codes [N, D] and factors [N, F] and works in float64, fits ridge
// regression on standardised inputs, and scores held-out rows with R². Keeping the split,
// the standardisation and the R² convention in one place means the three scores agree on
// what "predictable" means.
#pragma once

#include <torch/torch.h>

#include <cstdint>

namespace acc {

// Checks codes [N, D] and factors [N, F] (same N >= min_rows, D >= 1, F >= 1, floating
// point) with TORCH_CHECK — callers pass tensors they built, so a bad shape is a bug — and
// raises acc::Error (kFailure) on NaN/Inf codes, which means the model diverged. `metric`
// prefixes messages. Returns nothing; use metric_matrix() for the float64 copies.
void metric_check_inputs(const char* metric, const torch::Tensor& codes,
                         const torch::Tensor& factors, int64_t min_rows);
// Contiguous float64 CPU copy: all arithmetic here is in float64 so that sums over 10^4
// rows do not lose the small differences the scores are made of.
torch::Tensor metric_matrix(const torch::Tensor& x);

// Columns that carry nothing: std <= 1e-9 * (1 + |mean|), far below float32 resolution, so
// only exactly (or rounding-level) constant columns qualify. Bool [K] for x [N, K].
torch::Tensor constant_columns(const torch::Tensor& x);

// The deterministic hold-out split of the scores that need one (DCI informativeness,
// slot R²): row i is a test row when i % 5 == 4, else a training row — 80/20, no RNG, so
// the same inputs always give the same split and ordered data is still interleaved.
struct HoldoutSplit {
  torch::Tensor train;  // int64 row indices
  torch::Tensor test;
};
HoldoutSplit holdout_split(int64_t rows);

// Ridge regression of y [N, K] on x [N, P], both standardised with the training rows'
// mean and std (population std, as sklearn's StandardScaler). Minimises
//   |Ys - Zs W|² / N + alpha |W|²
// so `alpha` is relative: it does not grow with N or with the codes' scale. A constant
// input column standardises to zeros and, because alpha > 0, gets a coefficient of exactly
// 0 — a constant code predicts nothing. A constant target gets zero coefficients and is
// predicted by its mean.
struct RidgeFit {
  torch::Tensor x_mean, x_scale;  // [P]; scale 1 for constant columns
  torch::Tensor y_mean, y_scale;  // [K]; scale 1 for constant targets
  torch::Tensor coef;             // [P, K] on standardised x and standardised y
  // Predictions in y's units for x [M, P]: [M, K].
  torch::Tensor predict(const torch::Tensor& x) const;
};
RidgeFit ridge_fit(const torch::Tensor& x, const torch::Tensor& y, double alpha);

// Coefficient of determination per column, 1 - SS_res / SS_tot with SS_tot around the
// evaluated rows' own mean (sklearn's r2_score); can be negative when the fit is worse than
// that mean. A constant column has R² 1 when predicted exactly and 0 otherwise — the
// convention of sklearn and of acc's regression_metrics. y, pred: [M, K] -> [K] float64.
torch::Tensor r2_per_column(const torch::Tensor& y, const torch::Tensor& pred);

}  // namespace acc
