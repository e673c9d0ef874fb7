// Gradient gating as a branch plug-in: switching it on or off on a TrainingState, and
// reading the active configuration back. The state is saved in each checkpoint node's
// meta.json under plugins.gating (recipe/plugin_registry.cpp restores it).
#pragma once

#include <optional>
#include <string_view>

#include "gating/competitive_gating.h"
#include "train/training_state.h"

namespace acc {

inline constexpr std::string_view kGatingPlugin = "gating";

// Turns gating on for state's current model (replacing any earlier configuration; checked
// by GatingConfig::check) or, with nullopt, off. A new model (set_model) starts without it.
void set_gating(TrainingState& state, const std::optional<GatingConfig>& config);
// The configuration while gating is on, else null.
const GatingConfig* active_gating(const TrainingState& state);

}  // namespace acc
