// Slot R² matrix, one multi-output ridge fit per slice; see slot_r2.h.
#include "analysis/slot_r2.h"

#include "analysis/linear_fit.h"
#include "error.h"
#include "eval/json_numbers.h"

namespace acc {

SlotR2Result slot_r2(const torch::Tensor& codes, const torch::Tensor& factors,
                     const std::vector<std::pair<int64_t, int64_t>>& slices,
                     const std::vector<std::string>& slice_names, double alpha) {
  metric_check_inputs("slot_r2", codes, factors, /*min_rows=*/10);
  TORCH_CHECK(!slices.empty(), "slot_r2: no slices given");
  TORCH_CHECK(slices.size() == slice_names.size(), "slot_r2: ", slices.size(), " slices but ",
              slice_names.size(), " names");
  const int64_t d = codes.size(1);
  for (size_t g = 0; g < slices.size(); ++g) {
    const auto [begin, end] = slices[g];
    // Slices come from a recipe or a model's slot layout, so a bad one is the user's to fix.
    if (begin < 0 || end > d || begin >= end)
      throw Error("slot_r2: slice '" + slice_names[g] + "' [" + std::to_string(begin) + ", " +
                  std::to_string(end) + ") is not a non-empty range inside the latent's " +
                  std::to_string(d) + " dimensions; fix the slice's begin/end");
  }
  const torch::Tensor z = metric_matrix(codes), v = metric_matrix(factors);
  const HoldoutSplit split = holdout_split(z.size(0));
  const torch::Tensor z_train = z.index_select(0, split.train),
                      v_train = v.index_select(0, split.train);
  const torch::Tensor z_test = z.index_select(0, split.test),
                      v_test = v.index_select(0, split.test);

  SlotR2Result out;
  out.slice_names = slice_names;
  out.slices = slices;
  out.alpha = alpha;
  out.train_rows = split.train.size(0);
  out.test_rows = split.test.size(0);
  std::vector<torch::Tensor> rows;
  for (const auto& [begin, end] : slices) {
    const RidgeFit fit = ridge_fit(z_train.slice(/*dim=*/1, begin, end), v_train, alpha);
    rows.push_back(r2_per_column(v_test, fit.predict(z_test.slice(/*dim=*/1, begin, end))));
  }
  out.r2 = torch::stack(rows);
  return out;
}

nlohmann::json SlotR2Result::to_json() const {
  nlohmann::json ranges = nlohmann::json::array();
  for (const auto& [begin, end] : slices) ranges.push_back({begin, end});
  return {
      {"metric", "slot_r2"},
      {"slice_names", slice_names},
      {"slices", ranges},
      {"r2", json_nested(r2)},
      {"train_rows", train_rows},
      {"test_rows", test_rows},
      {"method",
       {{"regressor", "ridge linear regression on standardised slice codes"},
        {"alpha", json_number(alpha)},
        {"split", "row i is a test row when i % 5 == 4, else a training row"},
        {"r2", "test-set R^2 per slice and factor, raw (negative = worse than the mean)"}}},
  };
}

}  // namespace acc
