// The contract between models and tasks: a model's forward returns a map keyed by
// ModelOutput, and each task reads only the keys it needs. New outputs are added here,
// in the enum and in the name table below (one place).
#pragma once

#include <torch/torch.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace acc {

enum class ModelOutput {
  LATENT,          // the representation tasks probe: [B, latent_dim]
  RECONSTRUCTION,  // decoded image, same shape as the input, values in [0, 1]
  RECONSTRUCTION_LOGITS,  // decoder pre-activation whose sigmoid is RECONSTRUCTION (models built
                          // with output: sigmoid only): the Bernoulli logits `loss: bce` reads
  MU,              // posterior mean [B, latent_dim] (VAEs)
  LOGVAR,          // posterior log-variance [B, latent_dim] (VAEs)
  ATTENTION,       // decoder attention weights (factor-slot models)
  LOGITS,          // class logits produced by the model itself (supervised_ae) [B, classes]
  QC_LOGITS,       // GM-VAE: logits of the component posterior q(c|x) [B, K]
  COMPONENT_MU,    // GM-VAE: means of the prior components p(z|c) [K, latent_dim] (not per image)
  COMPONENT_LOGVAR,  // GM-VAE: log-variances of p(z|c) [K, latent_dim] (not per image)
  COMPONENT_POSTERIOR_MU,      // GM-VAE, posterior per_component: means of q(z|x,c) [B, K, latent_dim]
  COMPONENT_POSTERIOR_LOGVAR,  // GM-VAE, posterior per_component: log-variances of q(z|x,c) [B, K, latent_dim]
  COMPONENT_RECONSTRUCTION,    // GM-VAE, marginal sampling, training only: decode(z_c) of every component [B, K, C, H, W]
  COMPONENT_RECONSTRUCTION_LOGITS,  // ... and their logits (output: sigmoid), as RECONSTRUCTION_LOGITS
};

using ModelOutputs = std::map<ModelOutput, torch::Tensor>;

// Lower-case name used in errors, events and the recipe reference ("latent", "mu", ...).
std::string model_output_name(ModelOutput output);
std::optional<ModelOutput> model_output_from_name(const std::string& name);
const std::vector<ModelOutput>& all_model_outputs();

}  // namespace acc
