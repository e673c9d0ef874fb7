// Reading a runs root: which runs exist, their status, and finding a checkpoint node by
// address. A node is addressed as RUN_ID/TAG, or by a unique prefix of its id (searched
// across every run under the root).
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "run/checkpoint.h"

namespace acc {

struct RunInfo {
  std::string id;
  std::filesystem::path dir;
  nlohmann::json config;   // {} when unreadable
  nlohmann::json summary;  // {} when unreadable
  std::string status() const;       // summary status, or "unknown"
  std::string recipe_name() const;  // config.recipe.name
};

// Every directory under `runs_root` holding a config.json, sorted by id.
std::vector<RunInfo> list_runs(const std::filesystem::path& runs_root);
// acc::Error naming the root and listing nothing more than a hint when absent.
RunInfo read_run(const std::filesystem::path& runs_root, const std::string& run_id);

struct NodeAddress {
  RunInfo run;
  NodeMeta node;
  std::filesystem::path state_path;
};

// RUN_ID/TAG or an id prefix (at least 4 hex digits). acc::Error when nothing matches
// (listing the run's tags for RUN_ID/TAG) or when a prefix is ambiguous (listing matches).
NodeAddress resolve_node(const std::filesystem::path& runs_root, const std::string& address);

}  // namespace acc
