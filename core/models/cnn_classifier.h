// cnn_classifier: a small convolutional classifier, no decoder. It exists to be a *judge*:
// an independent model that says which digit an image shows, so the traversal_effects
// artifact can count how often a latent traversal keeps the digit (recipes/
// mnist_factor_experiment.yaml trains one to >= 97% on the bundled MNIST).
//   conv1 3x3 (32) -> ReLU -> max-pool 2 -> conv2 3x3 (64) -> ReLU -> max-pool 2
//   -> fc1 (hidden) -> ReLU -> fc2 (classes) = LOGITS
// Its LATENT is fc1's ReLU output, so projections and probes work on it; it cannot decode,
// and artifacts that decode are refused for it. Train it with `logits_classification`.
// Module paths: conv1, conv2, fc1, fc2 (activation points conv1, conv2, fc1).
#pragma once

#include "models/model.h"

namespace acc {

class CnnClassifierImpl : public Model {
 public:
  CnnClassifierImpl(int64_t image_size, int64_t hidden, int64_t classes);

  ModelOutputs forward(const torch::Tensor& x) override;
  // acc::Error: a classifier has no decoder.
  torch::Tensor decode(const torch::Tensor& z) override;

  std::set<ModelOutput> outputs() const override { return {ModelOutput::LATENT, ModelOutput::LOGITS}; }
  int64_t latent_dim() const override { return hidden_; }
  ImageShape input_shape() const override { return shape_; }
  nlohmann::json config() const override;

 private:
  ImageShape shape_;
  int64_t hidden_, classes_;
  torch::nn::Conv2d conv1, conv2;
  torch::nn::Linear fc1, fc2;
};
TORCH_MODULE(CnnClassifier);

}  // namespace acc
