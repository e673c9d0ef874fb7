// Name table for ModelOutput; the only place an output's spelling lives.
#include "models/model_output.h"

#include <utility>

namespace acc {
namespace {
const std::vector<std::pair<ModelOutput, const char*>>& names() {
  static const std::vector<std::pair<ModelOutput, const char*>> table = {
      {ModelOutput::LATENT, "latent"},       {ModelOutput::RECONSTRUCTION, "reconstruction"},
      {ModelOutput::RECONSTRUCTION_LOGITS, "reconstruction_logits"},
      {ModelOutput::MU, "mu"},               {ModelOutput::LOGVAR, "logvar"},
      {ModelOutput::ATTENTION, "attention"}, {ModelOutput::LOGITS, "logits"},
      {ModelOutput::QC_LOGITS, "qc_logits"}, {ModelOutput::COMPONENT_MU, "component_mu"},
      {ModelOutput::COMPONENT_LOGVAR, "component_logvar"},
      {ModelOutput::COMPONENT_POSTERIOR_MU, "component_posterior_mu"},
      {ModelOutput::COMPONENT_POSTERIOR_LOGVAR, "component_posterior_logvar"},
      {ModelOutput::COMPONENT_RECONSTRUCTION, "component_reconstruction"},
      {ModelOutput::COMPONENT_RECONSTRUCTION_LOGITS, "component_reconstruction_logits"},
  };
  return table;
}
}  // namespace

std::string model_output_name(ModelOutput output) {
  for (const auto& [o, n] : names())
    if (o == output) return n;
  return "unknown";
}

std::optional<ModelOutput> model_output_from_name(const std::string& name) {
  for (const auto& [o, n] : names())
    if (name == n) return o;
  return std::nullopt;
}

const std::vector<ModelOutput>& all_model_outputs() {
  static const std::vector<ModelOutput> all = [] {
    std::vector<ModelOutput> v;
    for (const auto& [o, n] : names()) v.push_back(o);
    return v;
  }();
  return all;
}

}  // namespace acc
