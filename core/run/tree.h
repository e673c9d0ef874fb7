// A run's checkpoint tree as `acc tree` shows it: nodes linked by their parent ids, roots
// first, children in creation order, with the node the recipe last stood on
// (summary.current_node) marked. A node whose parent is missing from the run (a deleted
// directory) is shown as a root rather than dropped, so nothing on disk is hidden.
// Each node shows one headline metric per task, chosen by the task's type so a long
// metrics table reduces to the number a researcher looks at first.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "run/checkpoint.h"
#include "run/run_index.h"

namespace acc {

struct RunTree {
  std::string run_id;
  std::string current;                       // id of the current node; "" when none
  int format_version = 0;                    // config.json's; 0 when unknown
  std::vector<NodeMeta> nodes;               // creation order
  std::vector<std::vector<size_t>> children; // per node: indices into nodes, creation order
  std::vector<size_t> roots;                 // indices of nodes without a (present) parent
};

// Links `nodes` (any order) into a tree; `current` is the current node's id or "".
RunTree build_run_tree(const std::string& run_id, std::vector<NodeMeta> nodes, const std::string& current);
// The tree of a run on disk: its checkpoints/ and summary.json's current_node.
RunTree load_run_tree(const RunInfo& run);

struct HeadlineMetric {
  std::string task;
  std::string metric;
  double value = 0;
};
// One entry per evaluated task (kl gives two: kl and active_units), in the order of the
// node's task list, then any evaluated task no longer attached. The metric is looked up by
// the task's type: classification -> accuracy, reconstruction -> psnr, regression -> r2,
// kl -> kl + active_units; otherwise (or when it is missing) the task's first metric.
std::vector<HeadlineMetric> headline_metrics(const NodeMeta& node);

// The tree drawn with box-drawing characters, one node per line:
//   root  3fa4c2d1  step 0
//   └─ trained  9c1e0a7b  step 2000  recon.psnr=20.13  ← current
// "(no checkpoints)" for an empty run.
std::string render_run_tree(const RunTree& tree);
// {run_id, current, nodes: [{id, tag, parent, step, created, metrics, children: [ids]}]}
// with parent and current null when absent; nodes in creation order.
nlohmann::json run_tree_to_json(const RunTree& tree);

}  // namespace acc
