// The plug-ins that save state in a checkpoint node, one row each: the section name they
// use under meta.json "plugins" and how to rebuild the plug-in from that section onto a
// TrainingState whose model and tasks are already restored. Adding a stateful hook or
// observer means one row in plugin_registry.cpp; core/train/ stays ignorant of it.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "train/training_state.h"

namespace acc {

struct PluginSpec {
  std::string name;     // section name in meta.json "plugins"
  std::string summary;  // one line for docs and errors
  std::function<void(TrainingState& state, const nlohmann::json& section)> restore;
};

const std::vector<PluginSpec>& plugin_registry();

// Rebuilds every plug-in in `sections` ({name: state}, a node's "plugins") onto `state`.
// acc::Error (prefixed with `where`) for a section no registered plug-in knows.
void restore_plugins(TrainingState& state, const nlohmann::json& sections, const std::string& where);

}  // namespace acc
