// Work on existing checkpoint nodes from the command line: fork one, evaluate one
// (recording the metrics on the node, optionally writing artifacts), and replay one's lineage to check it
// reproduces (asking a live run to cancel is run/cancel_request.h). Each addresses nodes as RUN_ID/TAG or by an id prefix.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "recipe/runner.h"
#include "run/run_index.h"

namespace acc {

// Adds a node to the parent's run whose state is the parent's (hard link).
NodeMeta fork_existing(const std::filesystem::path& runs_root, const std::string& address, const std::string& tag);

// Evaluates the node's attached tasks, plus `extra_tasks` given as attach_task field maps
// (e.g. {task: reconstruction, dataset: mnist}; tasks with trainable probes are refused:
// an untrained probe measures nothing). Datasets come from the node's metadata; an extra
// task may also name a dataset source with default options. Records metrics on the node.
// With artifacts named (backfill), writes them under the node's tag with artifact.created
// events appended to the run's log, and records their scores too; refused while the run is
// live (its log has one writer).
nlohmann::json evaluate_existing(const std::filesystem::path& runs_root, const std::string& address,
                                 const std::vector<nlohmann::json>& extra_tasks, const torch::Device& device,
                                 const std::string& data_root = "", const ArtifactSettings& artifacts = {});

struct ReproduceReport {
  std::string original;     // RUN/TAG
  std::string replay_run;   // the fresh run's id
  std::string replay_dir;
  bool identical = false;   // every model and probe-head tensor bitwise equal
  double max_abs_diff = 0;  // over all compared tensors
  int64_t tensors_compared = 0;
};

// Replays the node's lineage (with the original run's seed and datasets) as a new run under
// the same runs root, then compares the resulting node's tensors with the stored ones.
ReproduceReport reproduce_node(const std::filesystem::path& runs_root, const std::string& address,
                               const RunOptions& options);


}  // namespace acc
