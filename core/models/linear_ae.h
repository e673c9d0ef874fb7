// linear_ae: the smallest useful autoencoder, one hidden layer. Its latent is the ReLU'd
// hidden activation, so probes and gradient gates see exactly what the decoder reads.
// The output is a straight-through clamp by default (models/output_activation.h).
// Submodules are named `encoder` and `decoder`; gradient-gating hooks find them by name.
#pragma once

#include "models/model.h"
#include "models/output_activation.h"

namespace acc {

class LinearAEImpl : public Model {
 public:
  LinearAEImpl(int64_t image_size, int64_t hidden, OutputActivation output = OutputActivation::kClamp);

  ModelOutputs forward(const torch::Tensor& x) override;
  torch::Tensor decode(const torch::Tensor& z) override;

  std::set<ModelOutput> outputs() const override;
  int64_t latent_dim() const override { return hidden_; }
  ImageShape input_shape() const override { return shape_; }
  nlohmann::json config() const override;

 private:
  ImageShape shape_;
  int64_t hidden_;
  OutputActivation output_;
  torch::nn::Linear encoder;
  torch::nn::Linear decoder;
};
TORCH_MODULE(LinearAE);

}  // namespace acc
