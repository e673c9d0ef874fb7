// gmvae: a Gaussian-mixture VAE on the shared conv blocks.
//
//   q(c|x) = softmax(fc_qc(h))                  K components, h = the conv features
//   q(z|x) = N(mu(x), exp(logvar(x)))           one diagonal Gaussian (heads fc_mu, fc_logvar)
//   p(c)   = uniform over K,  p(z|c) = N(component_mu[c], exp(component_logvar[c]))
//
// The prior's K means and log-variances are parameters trained with the rest (means start
// as N(0, I) draws from the seeded generator, log-variances at 0). In training mode LATENT is
// z = mu + exp(logvar / 2) * eps (eps from the global generator, which the trainer seeds and
// checkpoints); in eval mode LATENT = mu, so evaluation and artifacts are deterministic.
// The loss lives in the `gmvae_kl` task (tasks/gmvae_kl.h); the model only exposes what it
// needs: MU, LOGVAR, QC_LOGITS [B, K], and COMPONENT_MU / COMPONENT_LOGVAR [K, latent].
// Module paths: encoder.{conv1, conv2, fc_mu, fc_logvar, fc_qc}, decoder.{fc_dec, deconv1,
// deconv2}; parameters component_mu, component_logvar.
#pragma once

#include "models/conv_blocks.h"

namespace acc {

class GMVAEImpl : public ConvModel {
 public:
  GMVAEImpl(int64_t image_size, int64_t latent, int64_t components,
            OutputActivation output = OutputActivation::kClamp);

  ModelOutputs forward(const torch::Tensor& x) override;
  std::set<ModelOutput> outputs() const override;
  nlohmann::json config() const override;
  int64_t components() const { return components_; }

 private:
  int64_t components_;
  torch::Tensor component_mu_;
  torch::Tensor component_logvar_;
};
TORCH_MODULE(GMVAE);

}  // namespace acc
