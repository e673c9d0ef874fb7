// conv_vae: a variational autoencoder (Kingma & Welling 2014) on the shared conv blocks.
// The encoder has two heads, fc_mu and fc_logvar, giving q(z|x) = N(mu, exp(logvar)).
// In training mode z is sampled with the reparameterisation trick; in eval mode z = mu so
// evaluation and traversals are deterministic. The KL regulariser is a task (tasks/kl.h),
// not part of the model, so beta-VAE-style weighting is a recipe setting.
// Module paths: encoder.{conv1, conv2, fc_mu, fc_logvar}, decoder.{fc_dec, deconv1, deconv2}.
#pragma once

#include "models/conv_blocks.h"

namespace acc {

class ConvVAEImpl : public ConvModel {
 public:
  ConvVAEImpl(int64_t image_size, int64_t latent, OutputActivation output = OutputActivation::kClamp);

  // LATENT is the sampled z (train) or mu (eval); MU and LOGVAR are the posterior.
  ModelOutputs forward(const torch::Tensor& x) override;
  std::set<ModelOutput> outputs() const override;
};
TORCH_MODULE(ConvVAE);

}  // namespace acc
