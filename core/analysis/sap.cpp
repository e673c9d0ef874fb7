// SAP from squared correlations; see sap.h.
#include "analysis/sap.h"

#include <algorithm>
#include <functional>

#include "analysis/linear_fit.h"
#include "eval/json_numbers.h"

namespace acc {

SapResult sap(const torch::Tensor& codes, const torch::Tensor& factors) {
  metric_check_inputs("sap", codes, factors, /*min_rows=*/2);
  const torch::Tensor z = metric_matrix(codes), v = metric_matrix(factors);
  const int64_t d = z.size(1), f = v.size(1);
  const torch::Tensor zc = z - z.mean(/*dim=*/0), vc = v - v.mean(/*dim=*/0);
  // Sums of squares and cross-products: the (N - 1) of np.cov(ddof=1) cancels in the ratio.
  const torch::Tensor cross = zc.t().matmul(vc);          // [D, F]
  const torch::Tensor z_ss = zc.square().sum(/*dim=*/0);  // [D]
  const torch::Tensor v_ss = vc.square().sum(/*dim=*/0);  // [F]
  const torch::Tensor z_const = constant_columns(z), v_const = constant_columns(v);
  const torch::Tensor denom = (z_ss.unsqueeze(1) * v_ss.unsqueeze(0)).clamp_min(1e-300);
  const torch::Tensor valid =
      z_const.logical_not().unsqueeze(1) & v_const.logical_not().unsqueeze(0);
  SapResult out;
  out.rows = z.size(0);
  // Clamped to [0, 1]: rounding can push an exactly collinear pair a hair above 1.
  out.matrix =
      torch::where(valid, (cross.square() / denom).clamp(0.0, 1.0), torch::zeros_like(cross));

  const auto s = out.matrix.accessor<double, 2>();
  const auto constant = v_const.accessor<bool, 1>();
  double gap_sum = 0;
  int64_t scored = 0;
  for (int64_t j = 0; j < f; ++j) {
    if (constant[j]) {
      out.per_factor.push_back(std::nullopt);
      continue;
    }
    std::vector<double> column;
    for (int64_t i = 0; i < d; ++i) column.push_back(s[i][j]);
    std::sort(column.begin(), column.end(), std::greater<double>());
    out.per_factor.push_back(column[0] - (d > 1 ? column[1] : 0.0));
    gap_sum += *out.per_factor.back();
    ++scored;
  }
  if (scored > 0) out.score = gap_sum / static_cast<double>(scored);
  return out;
}

nlohmann::json SapResult::to_json() const {
  nlohmann::json per = nlohmann::json::array();
  for (const auto& g : per_factor) per.push_back(g ? json_number(*g) : nlohmann::json());
  return {
      {"metric", "sap"},
      {"score", score ? json_number(*score) : nlohmann::json()},
      {"per_factor", per},
      {"matrix", json_nested(matrix)},
      {"rows", rows},
      {"method",
       {{"reference",
         "Kumar et al. 2018, sec. 3; disentanglement_lib sap_score.py "
         "(continuous branch)"},
        {"score_matrix",
         "squared Pearson correlation of each code dimension with each factor "
         "over all rows, for discrete and continuous factors alike"},
        {"gap", "top1 - top2 per factor (top1 when D = 1); mean over non-constant factors"}}},
  };
}

}  // namespace acc
