// classification: cross-entropy linear probe on class labels.
#include "tasks/classification.h"

#include "error.h"

namespace acc {

void ClassificationTask::check_compatible(const Model& model, const Dataset& dataset) const {
  Task::check_compatible(model, dataset);
  if (!dataset.has_labels())
    throw Error(describe() + ": dataset '" + dataset.name +
                "' has no class labels; attach this task to a labelled dataset (e.g. mnist or "
                "fashion_mnist)");
}

torch::Tensor ClassificationTask::loss(const ModelOutputs& outputs, const Batch& batch) {
  return torch::nn::functional::cross_entropy(predict(outputs), batch.labels);
}

Metrics ClassificationTask::evaluate(Model& model, const Dataset& dataset,
                                     const torch::Device& device) {
  double loss_sum = 0.0;
  int64_t correct = 0;
  const Split& test = test_split(dataset);
  for_each_eval_batch(model, test, device, [&](const ModelOutputs& outputs, const Batch& batch) {
    const torch::Tensor logits = predict(outputs);
    loss_sum += torch::nn::functional::cross_entropy(
                    logits, batch.labels,
                    torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                    .item<double>();
    correct += logits.argmax(/*dim=*/1).eq(batch.labels).sum().item<int64_t>();
  });
  const double n = static_cast<double>(test.size());
  return {{"accuracy", correct / n}, {"loss", loss_sum / n}};
}

}  // namespace acc
