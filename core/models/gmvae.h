// gmvae: a Gaussian-mixture VAE on the shared conv blocks.
//
//   q(c|x)   = softmax(fc_qc(h))                     K components, h = the conv features
//   p(c)     = uniform over K,  p(z|c) = N(component_mu[c], exp(component_logvar[c]))
// and, by the `posterior` option, one of two encoders for z:
//   per_component (default): q(z|x,c) = N(mu_c(x), exp(logvar_c(x))), one diagonal Gaussian per
//                  component (heads fc_mu, fc_logvar of width K * latent), so q(z, c|x) is itself a
//                  mixture. This is the structure of the reference GM-VAEs (Rui Shu's vae-clustering,
//                  chnyutao/gmvae); measured on MNIST (README), the shared encoder collapses to one
//                  component at the per-image ELBO while this one clusters.
//   shared:        q(z|x) = N(mu(x), exp(logvar(x))), one Gaussian for every component (the model
//                  before the option; saved configs without the field load as `shared`).
//
// Training mode, per_component: with `component_sampling: marginal` each component's
// z_c = mu_c + exp(logvar_c / 2) * eps_c is decoded (COMPONENT_RECONSTRUCTION [B, K, C, H, W]) and
// the reconstruction task weighs the K losses by q(c|x); with `gumbel` (default), a relaxed one-hot
// y ~ GumbelSoftmax(QC_LOGITS, temperature) mixes the components, z = sum_c y_c z_c, so the
// reconstruction trains q(c|x) through the reparameterisation; shared: z = mu + exp(logvar / 2) * eps.
// Noise comes from the global generator, which the trainer seeds and checkpoints. Eval mode is deterministic:
// z = mu of the most probable component (per_component) or mu (shared).
// The loss lives in the `gmvae_kl` task (tasks/gmvae_kl.h); the model only exposes what it needs:
// MU, LOGVAR [B, latent] (the mixed / chosen component's), QC_LOGITS [B, K], COMPONENT_MU /
// COMPONENT_LOGVAR [K, latent] and, per_component only, COMPONENT_POSTERIOR_MU / _LOGVAR [B, K, latent].
// Module paths: encoder.{conv1, conv2, fc_mu, fc_logvar, fc_qc}, decoder.{fc_dec, deconv1,
// deconv2}; parameters component_mu, component_logvar.
#pragma once

#include <string>

#include "models/conv_blocks.h"

namespace acc {

enum class GmvaePosterior { kPerComponent, kShared };
// How training (per_component only) turns q(c|x) into a reconstruction:
//   marginal: every component's z_c ~ q(z|x,c) is decoded (K decoder passes) and the
//             reconstruction task takes the expectation sum_c q(c|x) loss(x, decode(z_c)) — the
//             exact ELBO term, as in Rui Shu's vae-clustering;
//   gumbel:   one decoder pass on z mixed by a relaxed one-hot Gumbel-softmax sample of q(c|x).
enum class GmvaeComponentSampling { kMarginal, kGumbel };
std::string gmvae_sampling_name(GmvaeComponentSampling s);
GmvaeComponentSampling gmvae_sampling_from_name(const std::string& name);
std::string gmvae_posterior_name(GmvaePosterior p);
// acc::Error naming the `posterior` field for anything but per_component or shared.
GmvaePosterior gmvae_posterior_from_name(const std::string& name);

class GMVAEImpl : public ConvModel {
 public:
  GMVAEImpl(int64_t image_size, int64_t latent, int64_t components,
            OutputActivation output = OutputActivation::kClamp,
            GmvaePosterior posterior = GmvaePosterior::kPerComponent,
            GmvaeComponentSampling sampling = GmvaeComponentSampling::kGumbel, double temperature = 1.0);

  ModelOutputs forward(const torch::Tensor& x) override;
  std::set<ModelOutput> outputs() const override;
  nlohmann::json config() const override;
  int64_t components() const { return components_; }
  GmvaePosterior posterior() const { return posterior_; }

 private:
  ModelOutputs forward_shared(std::vector<torch::Tensor> heads);
  ModelOutputs forward_per_component(std::vector<torch::Tensor> heads);

  // Training, marginal: decodes z_c of every component into COMPONENT_RECONSTRUCTION(_LOGITS);
  // RECONSTRUCTION and LATENT are the most probable component's.
  void add_component_reconstructions(ModelOutputs& out, const torch::Tensor& z_all);

  int64_t components_;
  GmvaePosterior posterior_;
  GmvaeComponentSampling sampling_;
  double temperature_;
  torch::Tensor component_mu_;
  torch::Tensor component_logvar_;
};
TORCH_MODULE(GMVAE);

}  // namespace acc
