// BranchPlugin: a hook or observer whose state belongs to a branch of the checkpoint tree
// (gradient gating's configuration, say), so that a fork or a resume carries it along.
//
// TrainingState holds plug-ins by name and knows only this interface: a checkpoint writes
// each plug-in's state() as its own section of the node's meta.json ("plugins": {name:
// state}), and restoring a node hands each section back to whatever registered that name
// (recipe/plugin_registry.h). core/train/ therefore names no plug-in.
#pragma once

#include <nlohmann/json.hpp>

namespace acc {

class BranchPlugin {
 public:
  virtual ~BranchPlugin() = default;
  // This plug-in's section in the node's meta.json; must be enough to rebuild it on the
  // same model (the plug-in's restore function reads it back).
  virtual nlohmann::json state() const = 0;
};

}  // namespace acc
