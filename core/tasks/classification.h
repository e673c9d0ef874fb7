// classification: a linear probe from the (sliced) latent to the dataset's class labels,
// trained with cross-entropy. Used both as a training objective (supervising part of the
// latent) and as a read-out of how linearly decodable the labels are.
#pragma once

#include "tasks/probe.h"

namespace acc {

class ClassificationTask : public ProbeTask {
 public:
  using ProbeTask::ProbeTask;

  // Adds: the dataset must have class labels.
  void check_compatible(const Model& model, const Dataset& dataset) const override;
  // Mean cross-entropy of the probe's logits against batch.labels.
  torch::Tensor loss(const ModelOutputs& outputs, const Batch& batch) override;
  // "accuracy" (fraction correct, in [0, 1]) and "loss" (mean cross-entropy) on the test split.
  Metrics evaluate(Model& model, const Dataset& dataset, const torch::Device& device) override;

 protected:
  int64_t probe_outputs(const Dataset& dataset) const override { return dataset.num_classes; }
};

}  // namespace acc
