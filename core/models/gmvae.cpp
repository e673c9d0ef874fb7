// gmvae: conv encoder with component and (shared or per-component) Gaussian heads, learnable
// mixture prior.
#include "models/gmvae.h"

#include "error.h"

namespace acc {
namespace {

// Shared: fc_mu / fc_logvar of width latent, then fc_qc. Per component: all three are extra heads
// (fc_mu / fc_logvar K * latent wide), so module names and order stay the same in both.
std::vector<std::string> gaussian_heads(GmvaePosterior p) {
  if (p == GmvaePosterior::kShared) return {"fc_mu", "fc_logvar"};
  return {};
}

std::vector<EncoderHead> extra_heads(GmvaePosterior p, int64_t latent, int64_t k) {
  if (p == GmvaePosterior::kShared) return {{"fc_qc", k}};
  return {{"fc_mu", k * latent}, {"fc_logvar", k * latent}, {"fc_qc", k}};
}

// A relaxed one-hot sample of the categorical with these logits (Jang et al. 2017):
// softmax((logits + g) / temperature), g standard Gumbel noise from the global generator.
torch::Tensor gumbel_softmax_sample(const torch::Tensor& logits, double temperature) {
  const torch::Tensor u = torch::rand_like(logits).clamp(1e-10, 1.0 - 1e-7);
  const torch::Tensor gumbel = -torch::log(-torch::log(u));
  return torch::softmax((logits + gumbel) / temperature, /*dim=*/1);
}

}  // namespace

std::string gmvae_posterior_name(GmvaePosterior p) {
  return p == GmvaePosterior::kShared ? "shared" : "per_component";
}

GmvaePosterior gmvae_posterior_from_name(const std::string& name) {
  if (name == "per_component") return GmvaePosterior::kPerComponent;
  if (name == "shared") return GmvaePosterior::kShared;
  throw Error("field 'posterior' must be per_component or shared, got '" + name + "'");
}

std::string gmvae_sampling_name(GmvaeComponentSampling s) {
  return s == GmvaeComponentSampling::kGumbel ? "gumbel" : "marginal";
}

GmvaeComponentSampling gmvae_sampling_from_name(const std::string& name) {
  if (name == "marginal") return GmvaeComponentSampling::kMarginal;
  if (name == "gumbel") return GmvaeComponentSampling::kGumbel;
  throw Error("field 'component_sampling' must be marginal or gumbel, got '" + name + "'");
}

GMVAEImpl::GMVAEImpl(int64_t image_size, int64_t latent, int64_t components, OutputActivation output,
                     GmvaePosterior posterior, GmvaeComponentSampling sampling, double temperature)
    : ConvModel("gmvae", image_size, latent, output, gaussian_heads(posterior),
                extra_heads(posterior, latent, components)),
      components_(components),
      posterior_(posterior),
      sampling_(sampling),
      temperature_(temperature) {
  if (!(temperature > 0)) throw Error("field 'temperature' must be > 0 (the Gumbel-softmax temperature)");
  component_mu_ = register_parameter("component_mu", torch::randn({components, latent}));
  component_logvar_ = register_parameter("component_logvar", torch::zeros({components, latent}));
}

ModelOutputs GMVAEImpl::forward(const torch::Tensor& x) {
  ModelOutputs out = posterior_ == GmvaePosterior::kShared ? forward_shared(encoder(x)) : forward_per_component(encoder(x));
  out[ModelOutput::COMPONENT_MU] = component_mu_;
  out[ModelOutput::COMPONENT_LOGVAR] = component_logvar_;
  // Marginal training has decoded every component already; everything else decodes LATENT once.
  if (!out.count(ModelOutput::RECONSTRUCTION)) add_reconstruction(out, out.at(ModelOutput::LATENT));
  return out;
}

ModelOutputs GMVAEImpl::forward_shared(std::vector<torch::Tensor> heads) {
  const torch::Tensor& mu = heads.at(0);
  const torch::Tensor& logvar = heads.at(1);
  torch::Tensor z = is_training() ? mu + torch::randn_like(mu) * torch::exp(0.5 * logvar) : mu;
  return {{ModelOutput::LATENT, z}, {ModelOutput::MU, mu}, {ModelOutput::LOGVAR, logvar}, {ModelOutput::QC_LOGITS, heads.at(2)}};
}

ModelOutputs GMVAEImpl::forward_per_component(std::vector<torch::Tensor> heads) {
  const int64_t b = heads.at(0).size(0);
  const torch::Tensor mu_c = heads.at(0).view({b, components_, -1});  // [B, K, D]
  const torch::Tensor logvar_c = heads.at(1).view({b, components_, -1});
  const torch::Tensor& qc_logits = heads.at(2);
  ModelOutputs out = {{ModelOutput::QC_LOGITS, qc_logits},
                      {ModelOutput::COMPONENT_POSTERIOR_MU, mu_c},
                      {ModelOutput::COMPONENT_POSTERIOR_LOGVAR, logvar_c}};
  if (is_training() && sampling_ == GmvaeComponentSampling::kMarginal) {
    add_component_reconstructions(out, mu_c + torch::randn_like(mu_c) * torch::exp(0.5 * logvar_c));
    return out;
  }
  torch::Tensor weights;  // [B, K, 1]: how much each component's Gaussian contributes to z
  if (is_training()) {
    weights = gumbel_softmax_sample(qc_logits, temperature_).unsqueeze(2);
  } else {
    weights = torch::one_hot(qc_logits.argmax(/*dim=*/1), components_).to(mu_c.dtype()).unsqueeze(2);
  }
  out[ModelOutput::MU] = (weights * mu_c).sum(/*dim=*/1);
  out[ModelOutput::LOGVAR] = (weights * logvar_c).sum(/*dim=*/1);
  out[ModelOutput::LATENT] = is_training()
      ? (weights * (mu_c + torch::randn_like(mu_c) * torch::exp(0.5 * logvar_c))).sum(/*dim=*/1)
      : out.at(ModelOutput::MU);
  return out;
}

void GMVAEImpl::add_component_reconstructions(ModelOutputs& out, const torch::Tensor& z_all) {
  const int64_t b = z_all.size(0), k = z_all.size(1);
  const torch::Tensor pre_flat = decoder->pre_activation(z_all.reshape({b * k, -1}));  // [B*K, C, H, W]
  std::vector<int64_t> shape = pre_flat.sizes().vec();
  shape[0] = k;
  shape.insert(shape.begin(), b);
  const torch::Tensor pre = pre_flat.view(shape);  // [B, K, C, H, W]
  const OutputActivation activation = decoder->output_activation();
  const torch::Tensor recon = apply_output_activation(pre, activation);
  out[ModelOutput::COMPONENT_RECONSTRUCTION] = recon;
  if (activation == OutputActivation::kSigmoid) out[ModelOutput::COMPONENT_RECONSTRUCTION_LOGITS] = pre;
  // The single-image outputs other tasks and the health checks read: the most probable component's.
  const torch::Tensor rows = torch::arange(b, torch::kLong);
  const torch::Tensor best = out.at(ModelOutput::QC_LOGITS).argmax(/*dim=*/1);
  out[ModelOutput::LATENT] = z_all.index({rows, best});
  out[ModelOutput::MU] = out.at(ModelOutput::COMPONENT_POSTERIOR_MU).index({rows, best});
  out[ModelOutput::LOGVAR] = out.at(ModelOutput::COMPONENT_POSTERIOR_LOGVAR).index({rows, best});
  out[ModelOutput::RECONSTRUCTION] = recon.index({rows, best});
  if (activation == OutputActivation::kSigmoid) out[ModelOutput::RECONSTRUCTION_LOGITS] = pre.index({rows, best});
}

std::set<ModelOutput> GMVAEImpl::outputs() const {
  std::set<ModelOutput> o = {ModelOutput::LATENT, ModelOutput::MU, ModelOutput::LOGVAR, ModelOutput::QC_LOGITS,
                             ModelOutput::COMPONENT_MU, ModelOutput::COMPONENT_LOGVAR};
  if (posterior_ == GmvaePosterior::kPerComponent) {
    o.insert(ModelOutput::COMPONENT_POSTERIOR_MU);
    o.insert(ModelOutput::COMPONENT_POSTERIOR_LOGVAR);
    // COMPONENT_RECONSTRUCTION(_LOGITS) are not listed: only training-mode forwards of marginal
    // sampling make them (evaluation decodes the chosen component only), and the reconstruction
    // task uses them when present.
  }
  return with_reconstruction(o);
}

nlohmann::json GMVAEImpl::config() const {
  nlohmann::json c = ConvModel::config();
  c["components"] = components_;
  c["posterior"] = gmvae_posterior_name(posterior_);
  c["component_sampling"] = gmvae_sampling_name(sampling_);
  c["temperature"] = temperature_;
  return c;
}

}  // namespace acc
