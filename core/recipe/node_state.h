// Turning a checkpoint node back into a live TrainingState: rebuild the model from its
// config, re-attach its tasks to their datasets, and load state.pt (weights, optimiser
// moments, probe heads, step, RNG). Used by the fork op, `acc eval`, `acc fork`, resume
// and reproduce, so every path restores a node the same way.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "recipe/context.h"

namespace acc {

// `datasets` must hold every dataset the node's tasks read (acc::Error naming the missing
// one otherwise). The state's current model and tasks are replaced.
void restore_node_state(TrainingState& state, const NodeMeta& node, const std::filesystem::path& state_path,
                        const DatasetMap& datasets, const std::string& where = "");

// The model's parameters and buffers stored in a node's state.pt, by name ("model.<path>"),
// in the model's order: for bitwise comparisons of nodes (reproduce, tests).
std::vector<std::pair<std::string, torch::Tensor>> model_state_tensors(const std::filesystem::path& state_path,
                                                                       const NodeMeta& node);

// Loads the datasets recorded in the node's metadata (source + options), for commands that
// work on a node outside its recipe. `data_root` empty: default_data_root().
DatasetMap load_node_datasets(const NodeMeta& node, const std::string& data_root = "");

// Adds every dataset the run's recipe loads (config.json's recipe ops) that `datasets` does
// not have yet.
void load_run_datasets(DatasetMap& datasets, const nlohmann::json& run_config, const std::string& data_root = "");

}  // namespace acc
