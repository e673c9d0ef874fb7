// conv_vae: shared conv encoder with mean/log-variance heads, reparameterised sampling,
// shared conv decoder.
#include "models/conv_vae.h"

namespace acc {

ConvVAEImpl::ConvVAEImpl(int64_t image_size, int64_t latent, OutputActivation output)
    : ConvModel("conv_vae", image_size, latent, output, {"fc_mu", "fc_logvar"}) {}

ModelOutputs ConvVAEImpl::forward(const torch::Tensor& x) {
  std::vector<torch::Tensor> heads = encoder(x);
  const torch::Tensor& mu = heads.at(0);
  const torch::Tensor& logvar = heads.at(1);
  // eps comes from the global generator on purpose: the trainer seeds and checkpoints that
  // generator, which makes sampled training runs reproducible and resumable.
  torch::Tensor z = is_training() ? mu + torch::randn_like(mu) * torch::exp(0.5 * logvar) : mu;
  ModelOutputs out = {{ModelOutput::LATENT, z}, {ModelOutput::MU, mu}, {ModelOutput::LOGVAR, logvar}};
  add_reconstruction(out, z);
  return out;
}

std::set<ModelOutput> ConvVAEImpl::outputs() const {
  return with_reconstruction({ModelOutput::LATENT, ModelOutput::MU, ModelOutput::LOGVAR});
}

}  // namespace acc
