// Gating on a TrainingState; see gating_state.h.
#include "gating/gating_state.h"

namespace acc {

void set_gating(TrainingState& state, const std::optional<GatingConfig>& config) {
  const std::string name(kGatingPlugin);
  state.set_plugin(name, nullptr);  // the old hooks go before the new ones attach
  if (config) state.set_plugin(name, std::make_unique<CompetitiveGradientGating>(state.model(), *config));
}

const GatingConfig* active_gating(const TrainingState& state) {
  const auto* gating = dynamic_cast<const CompetitiveGradientGating*>(state.plugin(std::string(kGatingPlugin)));
  return gating ? &gating->config() : nullptr;
}

}  // namespace acc
