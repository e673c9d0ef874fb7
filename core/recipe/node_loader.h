// A checkpoint node restored for work outside its recipe: `acc export`, `acc inspect` (and
// the artifact backfill of `acc eval`) all need the same three things — the node's address,
// every dataset its run loaded, and a TrainingState holding its weights — and the same
// answer to "which dataset, when none is named".
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "recipe/context.h"
#include "run/run_index.h"

namespace acc {

struct LoadedNode {
  NodeAddress at;
  std::string data_root;  // the one datasets were loaded from
  DatasetMap datasets;    // the node's tasks' datasets plus every other one its run loads
  std::unique_ptr<TrainingState> state;

  // `name`, or the node's first reconstruction task's dataset when empty. acc::Error
  // (prefixed with `where`, e.g. "acc inspect") naming --dataset when there is no default or
  // the run has no such dataset.
  const Dataset& dataset(const std::string& name, const std::string& where) const;
  std::string dataset_name(const std::string& name, const std::string& where) const;
};

// Resolves RUN_ID/TAG or an id prefix and restores the node on `device`. `data_root` empty:
// the run's own (config.json), else default_data_root().
LoadedNode load_node(const std::filesystem::path& runs_root, const std::string& address, const torch::Device& device,
                     const std::string& data_root = "");

}  // namespace acc
