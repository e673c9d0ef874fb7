// logits_classification: cross-entropy of the model's own LOGITS output (supervised_ae's
// classifier) against the dataset's class labels. Unlike `classification`, which trains a
// linear probe it owns, this task has no parameters: the classifier is part of the model and
// is saved, forked and inspected with it. With weight = class_weight it is the second term of
//   supervised_ae loss = MSE(reconstruction, input) + class_weight * CrossEntropy(logits, label).
#pragma once

#include "tasks/task.h"

namespace acc {

class LogitsClassificationTask : public Task {
 public:
  using Task::Task;

  std::set<ModelOutput> required_outputs() const override { return {ModelOutput::LOGITS}; }
  // Adds: the dataset has labels, no latent slice (the logits are not the latent), and the
  // model's classifier has exactly one logit per class of the dataset.
  void check_compatible(const Model& model, const Dataset& dataset) const override;
  // Mean cross-entropy (torch cross_entropy, reduction mean) of LOGITS against batch.labels.
  torch::Tensor loss(const ModelOutputs& outputs, const Batch& batch) override;
  // "accuracy" in [0, 1] and "loss" (mean cross-entropy) on the test split.
  Metrics evaluate(Model& model, const Dataset& dataset, const torch::Device& device) override;
};

}  // namespace acc
