// regression: MSE linear probe on ground-truth factors, and its metrics.
#include "tasks/regression.h"

#include "error.h"

namespace acc {

Metrics regression_metrics(const torch::Tensor& predictions, const torch::Tensor& targets) {
  TORCH_CHECK(predictions.sizes() == targets.sizes() && predictions.dim() == 2,
              "regression_metrics: expected equal [N, T] shapes, got ", predictions.sizes(),
              " and ", targets.sizes());
  const torch::Tensor p = predictions.to(torch::kDouble);
  const torch::Tensor t = targets.to(torch::kDouble);
  const torch::Tensor err = p - t;
  const torch::Tensor ss_res = err.square().sum(/*dim=*/0);
  const torch::Tensor ss_tot = (t - t.mean(/*dim=*/0)).square().sum(/*dim=*/0);
  const torch::Tensor constant_r2 = (ss_res == 0).to(torch::kDouble);
  const torch::Tensor r2 =
      torch::where(ss_tot > 0, 1.0 - ss_res / ss_tot.clamp_min(1e-300), constant_r2);
  return {{"mse", err.square().mean().item<double>()},
          {"mae", err.abs().mean().item<double>()},
          {"r2", r2.mean().item<double>()}};
}

const std::string& RegressionTask::factor() const {
  return config().options.at("factor").get_ref<const std::string&>();
}

void RegressionTask::check_compatible(const Model& model, const Dataset& dataset) const {
  Task::check_compatible(model, dataset);
  if (!dataset.has_factors())
    throw Error(describe() + ": dataset '" + dataset.name +
                "' has no ground-truth factors; attach this task to a dataset with factors "
                "(e.g. a synthetic one)");
  if (!factor().empty() && dataset.factor_index(factor()) < 0) {
    std::string names;
    for (const auto& f : dataset.factor_names) names += (names.empty() ? "" : ", ") + f;
    throw Error(describe() + ": option factor '" + factor() + "' is not a factor of dataset '" +
                dataset.name + "'; use one of: " + names + " (or leave it empty for all)");
  }
}

int64_t RegressionTask::probe_outputs(const Dataset& dataset) const {
  return factor().empty() ? static_cast<int64_t>(dataset.factor_names.size()) : 1;
}

void RegressionTask::bind(const Model& model, const Dataset& dataset, const torch::Device& device) {
  factor_column_ = factor().empty() ? -1 : dataset.factor_index(factor());
  TORCH_CHECK(factor().empty() || factor_column_ >= 0, describe(), ": unknown factor '", factor(),
              "' (check_compatible should have caught this)");
  ProbeTask::bind(model, dataset, device);
}

torch::Tensor RegressionTask::targets(const Batch& batch) const {
  TORCH_CHECK(batch.factors.defined(), describe(), ": batch has no factors");
  if (factor_column_ < 0) return batch.factors;
  return batch.factors.narrow(/*dim=*/1, factor_column_, /*length=*/1);
}

torch::Tensor RegressionTask::loss(const ModelOutputs& outputs, const Batch& batch) {
  return torch::mse_loss(predict(outputs), targets(batch));
}

Metrics RegressionTask::evaluate(Model& model, const Dataset& dataset,
                                 const torch::Device& device) {
  std::vector<torch::Tensor> predictions, truths;
  for_each_eval_batch(model, test_split(dataset), device,
                      [&](const ModelOutputs& outputs, const Batch& batch) {
                        predictions.push_back(predict(outputs).cpu());
                        truths.push_back(targets(batch).cpu());
                      });
  return regression_metrics(torch::cat(predictions), torch::cat(truths));
}

}  // namespace acc
