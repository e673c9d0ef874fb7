// MIG from discretised codes and factors; see mig.h. The discretisation and the plug-in
// mutual information mirror disentanglement_lib (np.histogram edges, np.digitize,
// sklearn.metrics.mutual_info_score), checked against scripts/reference_mig.py.
#include "analysis/mig.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "analysis/linear_fit.h"
#include "eval/json_numbers.h"

namespace acc {
namespace {

// A column cut into classes 0..classes-1.
struct Labels {
  std::vector<int64_t> of_row;
  int64_t classes = 0;
};

// np.digitize(x, np.histogram(x, bins)[1][:-1]) - 1: `bins` equal-width bins over
// [min, max], edge i = min + i * (max - min) / bins exactly as np.linspace computes it, each
// value in the last bin whose left edge is <= it (so max lands in the last bin). A constant
// column gets numpy's range (v - 0.5, v + 0.5), i.e. one bin.
Labels histogram_labels(const double* x, int64_t n, int64_t bins) {
  double lo = *std::min_element(x, x + n), hi = *std::max_element(x, x + n);
  if (lo == hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const double step = (hi - lo) / static_cast<double>(bins);
  const auto edge = [&](int64_t i) { return static_cast<double>(i) * step + lo; };
  Labels out{std::vector<int64_t>(static_cast<size_t>(n)), bins};
  for (int64_t r = 0; r < n; ++r) {
    // The division is only a first guess; the edge comparisons decide, as np.digitize does.
    int64_t b =
        std::clamp<int64_t>(static_cast<int64_t>(std::floor((x[r] - lo) / step)), 0, bins - 1);
    while (b + 1 < bins && edge(b + 1) <= x[r]) ++b;
    while (b > 0 && edge(b) > x[r]) --b;
    out.of_row[static_cast<size_t>(r)] = b;
  }
  return out;
}

// Distinct values as classes when there are at most `bins` of them (a discrete factor keeps
// its exact classes), else histogram bins (a continuous factor, as for the codes).
Labels factor_labels(const double* x, int64_t n, int64_t bins, bool* binned) {
  std::vector<double> values(x, x + n);
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  *binned = static_cast<int64_t>(values.size()) > bins;
  if (*binned) return histogram_labels(x, n, bins);
  Labels out{std::vector<int64_t>(static_cast<size_t>(n)), static_cast<int64_t>(values.size())};
  for (int64_t r = 0; r < n; ++r)
    out.of_row[static_cast<size_t>(r)] =
        std::lower_bound(values.begin(), values.end(), x[r]) - values.begin();
  return out;
}

// Plug-in mutual information in nats from the joint counts (sklearn's mutual_info_score,
// including its clip at 0 against rounding).
double mutual_info(const Labels& a, const Labels& b) {
  const size_t n = a.of_row.size();
  std::vector<int64_t> joint(static_cast<size_t>(a.classes * b.classes), 0);
  std::vector<int64_t> count_a(static_cast<size_t>(a.classes), 0),
      count_b(static_cast<size_t>(b.classes), 0);
  for (size_t r = 0; r < n; ++r) {
    ++joint[static_cast<size_t>(a.of_row[r] * b.classes + b.of_row[r])];
    ++count_a[static_cast<size_t>(a.of_row[r])];
    ++count_b[static_cast<size_t>(b.of_row[r])];
  }
  const double total = static_cast<double>(n);
  double mi = 0;
  for (int64_t i = 0; i < a.classes; ++i)
    for (int64_t j = 0; j < b.classes; ++j) {
      const double c = static_cast<double>(joint[static_cast<size_t>(i * b.classes + j)]);
      if (c == 0) continue;
      const double expected = static_cast<double>(count_a[static_cast<size_t>(i)]) *
                              static_cast<double>(count_b[static_cast<size_t>(j)]) / total;
      mi += c / total * std::log(c / expected);
    }
  return std::max(mi, 0.0);
}

}  // namespace

MigResult mig(const torch::Tensor& codes, const torch::Tensor& factors, int64_t bins) {
  metric_check_inputs("mig", codes, factors, /*min_rows=*/2);
  TORCH_CHECK(bins >= 2, "mig: bins must be >= 2, got ", bins);
  // Columns as contiguous rows, so each dimension is one pointer.
  const torch::Tensor z = metric_matrix(codes).t().contiguous();
  const torch::Tensor v = metric_matrix(factors).t().contiguous();
  const int64_t n = z.size(1), d = z.size(0), f = v.size(0);

  MigResult out;
  out.bins = bins;
  out.rows = n;
  std::vector<Labels> code_labels;
  for (int64_t i = 0; i < d; ++i)
    code_labels.push_back(histogram_labels(z[i].data_ptr<double>(), n, bins));

  out.mi = torch::zeros({d, f}, torch::kDouble);
  auto mi = out.mi.accessor<double, 2>();
  double gap_sum = 0;
  for (int64_t j = 0; j < f; ++j) {
    bool binned = false;
    const Labels factor = factor_labels(v[j].data_ptr<double>(), n, bins, &binned);
    out.factor_classes.push_back(factor.classes);
    out.factor_binned.push_back(binned);
    // H(v) = I(v; v), as disentanglement_lib's discrete_entropy computes it.
    const double entropy = mutual_info(factor, factor);
    out.entropies.push_back(entropy);
    std::vector<double> column;
    for (int64_t i = 0; i < d; ++i)
      column.push_back(mi[i][j] = mutual_info(code_labels[static_cast<size_t>(i)], factor));
    if (entropy <= 0) {  // a constant factor: nothing to capture, the gap is 0/0
      out.per_factor.push_back(std::nullopt);
      out.skipped_factors.push_back(j);
      continue;
    }
    std::sort(column.begin(), column.end(), std::greater<double>());
    const double second = d > 1 ? column[1] : 0.0;
    out.per_factor.push_back((column[0] - second) / entropy);
    gap_sum += *out.per_factor.back();
  }
  const int64_t scored = f - static_cast<int64_t>(out.skipped_factors.size());
  if (scored > 0) out.score = gap_sum / static_cast<double>(scored);
  return out;
}

nlohmann::json MigResult::to_json() const {
  nlohmann::json per = nlohmann::json::array(), discretisation = nlohmann::json::array();
  for (const auto& g : per_factor) per.push_back(g ? json_number(*g) : nlohmann::json());
  for (size_t j = 0; j < factor_binned.size(); ++j)
    discretisation.push_back(factor_binned[j] ? "bins" : "values");
  nlohmann::json entropy = nlohmann::json::array();
  for (double h : entropies) entropy.push_back(json_number(h));
  return {
      {"metric", "mig"},
      {"score", score ? json_number(*score) : nlohmann::json()},
      {"per_factor", per},
      {"mi", json_nested(mi)},
      {"entropies", entropy},
      {"factor_classes", factor_classes},
      {"skipped_factors", skipped_factors},
      {"rows", rows},
      {"method",
       {{"reference", "Chen et al. 2018 (beta-TCVAE paper); disentanglement_lib mig.py"},
        {"code_bins", bins},
        {"code_discretisation",
         "equal-width histogram over each dimension's [min, max] "
         "(np.histogram edges, np.digitize)"},
        {"factor_discretisation", discretisation},
        {"factor_rule",
         "a factor's distinct values are its classes when there are at most "
         "code_bins of them, else code_bins equal-width bins"},
        {"mutual_information", "plug-in estimate from joint counts, natural log (nats)"},
        {"gap",
         "(top1 - top2) / H(factor) per factor, top1 / H when D = 1; mean over factors "
         "with H > 0"}}},
  };
}

}  // namespace acc
