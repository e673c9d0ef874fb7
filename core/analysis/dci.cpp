// DCI from one multi-output ridge fit; see dci.h.
#include "analysis/dci.h"

#include <algorithm>
#include <cmath>

#include "analysis/linear_fit.h"
#include "eval/json_numbers.h"

namespace acc {
namespace {

// 1 - H_K(p / sum p) for weights p of K >= 2 outcomes. All-zero weights are read as uniform
// (entropy 1, score 0), matching disentanglement_lib, which adds 1e-11 before normalising.
double one_minus_entropy(const std::vector<double>& weights) {
  const auto k = static_cast<double>(weights.size());
  double total = 0;
  for (double w : weights) total += w;
  if (total <= 0) return 0.0;
  double entropy = 0;
  for (double w : weights)
    if (w > 0) entropy -= w / total * std::log(w / total);
  return std::clamp(1.0 - entropy / std::log(k), 0.0, 1.0);
}

std::vector<double> to_vector(const torch::Tensor& t) {
  const torch::Tensor c = t.to(torch::kDouble).contiguous();
  return {c.data_ptr<double>(), c.data_ptr<double>() + c.numel()};
}

nlohmann::json json_numbers(const std::vector<double>& values) {
  nlohmann::json out = nlohmann::json::array();
  for (double v : values) out.push_back(json_number(v));
  return out;
}

}  // namespace

DciResult dci(const torch::Tensor& codes, const torch::Tensor& factors, double alpha) {
  metric_check_inputs("dci", codes, factors, /*min_rows=*/10);
  const torch::Tensor z = metric_matrix(codes), v = metric_matrix(factors);
  const int64_t d = z.size(1), f = v.size(1);
  const HoldoutSplit split = holdout_split(z.size(0));
  const torch::Tensor z_train = z.index_select(0, split.train),
                      v_train = v.index_select(0, split.train);
  const torch::Tensor z_test = z.index_select(0, split.test),
                      v_test = v.index_select(0, split.test);
  const RidgeFit fit = ridge_fit(z_train, v_train, alpha);

  DciResult out;
  out.alpha = alpha;
  out.train_rows = split.train.size(0);
  out.test_rows = split.test.size(0);
  out.importance = fit.coef.abs();
  out.informativeness_per_factor = to_vector(r2_per_column(v_test, fit.predict(z_test)));
  out.train_r2_per_factor = to_vector(r2_per_column(v_train, fit.predict(z_train)));
  double r2_sum = 0;
  for (double r2 : out.informativeness_per_factor) r2_sum += r2;
  out.informativeness = r2_sum / static_cast<double>(f);

  const auto r = out.importance.accessor<double, 2>();
  const double total = out.importance.sum().item<double>();
  for (int64_t i = 0; i < d; ++i) {
    double row = 0;
    for (int64_t j = 0; j < f; ++j) row += r[i][j];
    // No importance at all: every code weighs the same (disentanglement_lib does likewise).
    out.code_weights.push_back(total > 0 ? row / total : 1.0 / static_cast<double>(d));
  }
  if (f > 1) {
    double weighted = 0;
    for (int64_t i = 0; i < d; ++i) {
      std::vector<double> row;
      for (int64_t j = 0; j < f; ++j) row.push_back(r[i][j]);
      out.disentanglement_per_code.push_back(one_minus_entropy(row));
      weighted += out.code_weights[static_cast<size_t>(i)] * out.disentanglement_per_code.back();
    }
    out.disentanglement = weighted;
  }
  if (d > 1) {
    double sum = 0;
    for (int64_t j = 0; j < f; ++j) {
      std::vector<double> column;
      for (int64_t i = 0; i < d; ++i) column.push_back(r[i][j]);
      out.completeness_per_factor.push_back(one_minus_entropy(column));
      sum += out.completeness_per_factor.back();
    }
    out.completeness = sum / static_cast<double>(f);
  }
  return out;
}

nlohmann::json DciResult::to_json() const {
  return {
      {"metric", "dci"},
      {"disentanglement", disentanglement ? json_number(*disentanglement) : nlohmann::json()},
      {"completeness", completeness ? json_number(*completeness) : nlohmann::json()},
      {"informativeness", json_number(informativeness)},
      {"importance", json_nested(importance)},
      {"disentanglement_per_code", json_numbers(disentanglement_per_code)},
      {"code_weights", json_numbers(code_weights)},
      {"completeness_per_factor", json_numbers(completeness_per_factor)},
      {"informativeness_per_factor", json_numbers(informativeness_per_factor)},
      {"train_r2_per_factor", json_numbers(train_r2_per_factor)},
      {"train_rows", train_rows},
      {"test_rows", test_rows},
      {"method",
       {{"reference", "Eastwood & Williams 2018, sec. 2"},
        {"regressor", "ridge linear regression, |standardised coefficient|"},
        {"standardisation", "codes and factors to zero mean, unit variance on the training rows"},
        {"alpha", json_number(alpha)},
        {"split", "row i is a test row when i % 5 == 4, else a training row"},
        {"disentanglement", "sum_d rho_d (1 - H_F(row d of R normalised)); null when F = 1"},
        {"completeness", "mean over factors of 1 - H_D(column f of R normalised); null when D = 1"},
        {"informativeness", "mean over factors of test-set R^2 (raw, may be negative)"},
        {"zero_importance", "an all-zero row or column of R counts as uniform (score 0)"}}},
  };
}

}  // namespace acc
