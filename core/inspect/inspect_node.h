// `acc inspect` in core: network inspection artifacts for an existing checkpoint node,
// written under network/<tag>/ (versioned by the node's step) with artifact.created events
// appended to its run's log — like `acc eval --artifacts`, and allowed beside a live run
// (the log takes several writers; docs/run-format.md).
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "inspect/network_inspect.h"

namespace acc {

// `dataset` empty: the node's first reconstruction task's. Everything is checked before
// anything is written. Returns {run, run_dir, node, tag, step, dataset, paths} (paths
// relative to run_dir).
nlohmann::json inspect_node(const std::filesystem::path& runs_root, const std::string& address,
                            const std::string& dataset, const InspectRequest& request, const torch::Device& device,
                            const std::string& data_root = "");

}  // namespace acc
