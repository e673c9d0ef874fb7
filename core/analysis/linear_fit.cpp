// Ridge regression, hold-out split, R² and input checks for the disentanglement scores; see
// linear_fit.h.
#include "analysis/linear_fit.h"

#include <string>

#include "error.h"

namespace acc {

void metric_check_inputs(const char* metric, const torch::Tensor& codes,
                         const torch::Tensor& factors, int64_t min_rows) {
  TORCH_CHECK(codes.defined() && factors.defined(), metric, ": codes and factors must be defined");
  TORCH_CHECK(codes.dim() == 2 && factors.dim() == 2, metric,
              ": expected codes [N, D] and factors [N, F], got ", codes.sizes(), " and ",
              factors.sizes());
  TORCH_CHECK(codes.size(0) == factors.size(0), metric, ": codes have ", codes.size(0),
              " rows but factors have ", factors.size(0));
  TORCH_CHECK(codes.size(0) >= min_rows, metric, ": needs at least ", min_rows, " rows, got ",
              codes.size(0));
  TORCH_CHECK(codes.size(1) >= 1, metric, ": codes have no dimensions");
  TORCH_CHECK(factors.size(1) >= 1, metric, ": factors have no columns (F = 0)");
  TORCH_CHECK(codes.is_floating_point() && factors.is_floating_point(), metric,
              ": codes and factors must be floating point");
  TORCH_CHECK(torch::isfinite(factors).all().item<bool>(), metric, ": factors contain NaN or Inf");
  if (!torch::isfinite(codes).all().item<bool>())
    throw Error(std::string(metric) +
                    ": the codes contain NaN or Inf, so the model diverged; evaluate an earlier "
                    "checkpoint or lower the learning rate",
                ExitCode::kFailure);
}

torch::Tensor metric_matrix(const torch::Tensor& x) {
  return x.detach().to(torch::kCPU, torch::kDouble).contiguous();
}

torch::Tensor constant_columns(const torch::Tensor& x) {
  const torch::Tensor mean = x.mean(/*dim=*/0);
  const torch::Tensor std = x.std(/*dim=*/0, /*unbiased=*/false);
  return std <= 1e-9 * (1.0 + mean.abs());
}

HoldoutSplit holdout_split(int64_t rows) {
  TORCH_CHECK(rows >= 10, "holdout_split: needs at least 10 rows (2 test rows), got ", rows);
  const torch::Tensor index = torch::arange(rows, torch::kLong);
  const torch::Tensor is_test = index.remainder(5) == 4;
  return {index.masked_select(is_test.logical_not()), index.masked_select(is_test)};
}

namespace {

// Mean and population std of each column, with std replaced by 1 where the column is
// constant so standardising yields zeros instead of 0/0.
std::pair<torch::Tensor, torch::Tensor> column_scaling(const torch::Tensor& x) {
  const torch::Tensor mean = x.mean(/*dim=*/0);
  const torch::Tensor std = x.std(/*dim=*/0, /*unbiased=*/false);
  return {mean, torch::where(constant_columns(x), torch::ones_like(std), std)};
}

}  // namespace

RidgeFit ridge_fit(const torch::Tensor& x, const torch::Tensor& y, double alpha) {
  TORCH_CHECK(x.dim() == 2 && y.dim() == 2 && x.size(0) == y.size(0) && x.size(0) >= 2,
              "ridge_fit: expected x [N, P] and y [N, K] with N >= 2, got ", x.sizes(), " and ",
              y.sizes());
  // alpha = 0 would make a constant column's normal equation 0 * w = 0 (singular).
  TORCH_CHECK(alpha > 0, "ridge_fit: alpha must be > 0, got ", alpha);
  RidgeFit fit;
  const torch::Tensor xd = metric_matrix(x), yd = metric_matrix(y);
  std::tie(fit.x_mean, fit.x_scale) = column_scaling(xd);
  std::tie(fit.y_mean, fit.y_scale) = column_scaling(yd);
  // Constant columns: (x - mean) is exactly 0 for exactly constant data; zero them anyway
  // so rounding-level variation is not blown up to unit variance.
  const torch::Tensor x_keep = constant_columns(xd).logical_not().to(torch::kDouble);
  const torch::Tensor y_keep = constant_columns(yd).logical_not().to(torch::kDouble);
  const torch::Tensor z = (xd - fit.x_mean) / fit.x_scale * x_keep;
  const torch::Tensor t = (yd - fit.y_mean) / fit.y_scale * y_keep;
  const double n = static_cast<double>(xd.size(0));
  const int64_t p = xd.size(1);
  // Normal equations (Z'Z / N + alpha I) W = Z'T / N: P <= 64 here, so the P x P solve is
  // negligible next to forming Z'Z, and the matrix is positive definite (eigenvalues >= alpha).
  const torch::Tensor gram = z.t().matmul(z) / n + alpha * torch::eye(p, torch::kDouble);
  fit.coef = torch::linalg::solve(gram, z.t().matmul(t) / n, /*left=*/true) * x_keep.unsqueeze(1);
  return fit;
}

torch::Tensor RidgeFit::predict(const torch::Tensor& x) const {
  TORCH_CHECK(x.dim() == 2 && x.size(1) == coef.size(0), "RidgeFit::predict: expected [M, ",
              coef.size(0), "], got ", x.sizes());
  const torch::Tensor z = (metric_matrix(x) - x_mean) / x_scale;
  return z.matmul(coef) * y_scale + y_mean;
}

torch::Tensor r2_per_column(const torch::Tensor& y, const torch::Tensor& pred) {
  TORCH_CHECK(y.dim() == 2 && y.sizes() == pred.sizes(),
              "r2_per_column: expected equal [M, K] "
              "shapes, got ",
              y.sizes(), " and ", pred.sizes());
  const torch::Tensor yd = metric_matrix(y), pd = metric_matrix(pred);
  const torch::Tensor ss_res = (yd - pd).square().sum(/*dim=*/0);
  const torch::Tensor ss_tot = (yd - yd.mean(/*dim=*/0)).square().sum(/*dim=*/0);
  const torch::Tensor constant_r2 = (ss_res == 0).to(torch::kDouble);
  return torch::where(ss_tot > 0, 1.0 - ss_res / ss_tot.clamp_min(1e-300), constant_r2);
}

}  // namespace acc
