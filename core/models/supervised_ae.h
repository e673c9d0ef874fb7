// supervised_ae: conv_ae plus a classifier on its latent, trained jointly so the latent
// must both reconstruct the image and separate the classes. Its loss (recipes/supervised_ae.yaml):
//   loss = MSE(reconstruction, input) + class_weight * CrossEntropy(logits, label)
// = a `reconstruction` task with `loss: mse` (weight 1) plus a `logits_classification` task
// with weight class_weight (default 1.0). The classifier is part of the model (LOGITS is a
// model output), unlike the `classification` task's linear probe, which owns its head.
// Module paths: encoder.{conv1, conv2, fc_enc}, classifier, decoder.{fc_dec, deconv1, deconv2}.
#pragma once

#include "models/conv_blocks.h"

namespace acc {

class SupervisedAEImpl : public ConvModel {
 public:
  SupervisedAEImpl(int64_t image_size, int64_t latent, int64_t classes,
                   OutputActivation output = OutputActivation::kClamp);

  // LATENT (deterministic), RECONSTRUCTION, LOGITS = classifier(LATENT) [B, classes].
  ModelOutputs forward(const torch::Tensor& x) override;
  std::set<ModelOutput> outputs() const override;
  nlohmann::json config() const override;

 private:
  int64_t classes_;
  torch::nn::Linear classifier;
};
TORCH_MODULE(SupervisedAE);

}  // namespace acc
