// conv_ae: a deterministic convolutional autoencoder on the shared conv blocks
// (conv_blocks.h); the latent is the encoder's single linear head `fc_enc`.
// Module paths: encoder.{conv1, conv2, fc_enc}, decoder.{fc_dec, deconv1, deconv2}.
#pragma once

#include "models/conv_blocks.h"

namespace acc {

class ConvAEImpl : public ConvModel {
 public:
  ConvAEImpl(int64_t image_size, int64_t latent, OutputActivation output = OutputActivation::kClamp);

  ModelOutputs forward(const torch::Tensor& x) override;
  std::set<ModelOutput> outputs() const override;
};
TORCH_MODULE(ConvAE);

}  // namespace acc
