// logits_classification: cross-entropy on the model's LOGITS output.
#include "tasks/logits_classification.h"

#include "error.h"

namespace acc {

void LogitsClassificationTask::check_compatible(const Model& model, const Dataset& dataset) const {
  Task::check_compatible(model, dataset);
  if (!dataset.has_labels())
    throw Error(describe() + ": dataset '" + dataset.name +
                "' has no class labels; attach this task to a labelled dataset (e.g. mnist)");
  if (config().latent_slice)
    throw Error(describe() + ": field 'latent_slice' does not apply: this task reads the model's LOGITS, not the "
                             "latent; remove it (or use the `classification` probe task on a slice)");
  const int64_t classes = model.config().value("classes", int64_t{-1});
  if (classes >= 0 && classes != dataset.num_classes)
    throw Error(describe() + ": the model's classifier has " + std::to_string(classes) + " outputs but dataset '" +
                dataset.name + "' has " + std::to_string(dataset.num_classes) +
                " classes; set the model's `classes` to " + std::to_string(dataset.num_classes));
}

torch::Tensor LogitsClassificationTask::loss(const ModelOutputs& outputs, const Batch& batch) {
  return torch::nn::functional::cross_entropy(output(outputs, ModelOutput::LOGITS), batch.labels);
}

Metrics LogitsClassificationTask::evaluate(Model& model, const Dataset& dataset, const torch::Device& device) {
  double loss_sum = 0.0;
  int64_t correct = 0;
  const Split& test = test_split(dataset);
  for_each_eval_batch(model, test, device, [&](const ModelOutputs& outputs, const Batch& batch) {
    const torch::Tensor& logits = output(outputs, ModelOutput::LOGITS);
    loss_sum += torch::nn::functional::cross_entropy(
                    logits, batch.labels, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                    .item<double>();
    correct += logits.argmax(/*dim=*/1).eq(batch.labels).sum().item<int64_t>();
  });
  const double n = static_cast<double>(test.size());
  return {{"accuracy", correct / n}, {"loss", loss_sum / n}};
}

}  // namespace acc
