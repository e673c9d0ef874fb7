// gmvae: conv encoder with mean / log-variance / component heads, learnable mixture prior.
#include "models/gmvae.h"

namespace acc {

GMVAEImpl::GMVAEImpl(int64_t image_size, int64_t latent, int64_t components, OutputActivation output)
    : ConvModel("gmvae", image_size, latent, output, {"fc_mu", "fc_logvar"}, {{"fc_qc", components}}),
      components_(components) {
  component_mu_ = register_parameter("component_mu", torch::randn({components, latent}));
  component_logvar_ = register_parameter("component_logvar", torch::zeros({components, latent}));
}

ModelOutputs GMVAEImpl::forward(const torch::Tensor& x) {
  std::vector<torch::Tensor> heads = encoder(x);
  const torch::Tensor& mu = heads.at(0);
  const torch::Tensor& logvar = heads.at(1);
  torch::Tensor z = is_training() ? mu + torch::randn_like(mu) * torch::exp(0.5 * logvar) : mu;
  ModelOutputs out = {{ModelOutput::LATENT, z},
          {ModelOutput::MU, mu},
          {ModelOutput::LOGVAR, logvar},
          {ModelOutput::QC_LOGITS, heads.at(2)},
          {ModelOutput::COMPONENT_MU, component_mu_},
          {ModelOutput::COMPONENT_LOGVAR, component_logvar_}};
  add_reconstruction(out, z);
  return out;
}

std::set<ModelOutput> GMVAEImpl::outputs() const {
  return with_reconstruction({ModelOutput::LATENT, ModelOutput::MU, ModelOutput::LOGVAR, ModelOutput::QC_LOGITS,
                              ModelOutput::COMPONENT_MU, ModelOutput::COMPONENT_LOGVAR});
}

nlohmann::json GMVAEImpl::config() const {
  nlohmann::json c = ConvModel::config();
  c["components"] = components_;
  return c;
}

}  // namespace acc
