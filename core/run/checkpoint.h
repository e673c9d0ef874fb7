// CheckpointStore: the nodes of a run's checkpoint tree, under runs/<run>/checkpoints/.
// Each node is a directory checkpoints/<id>/ holding
//   state.pt   — model, optimiser, probe heads + their optimisers, step, RNG state
//   meta.json  — id, tag, parent, run, step, created, model config, task configs, the
//                datasets those tasks read, lineage (the recipe ops that produced it) and
//                evaluation metrics.
// A node is written into a temporary directory and renamed into place, so a killed process
// never leaves a half-written node; readers ignore directories starting with '.'.
// Creating a node holds an exclusive flock on checkpoints/.lock, so several acc processes
// sharing one run (make -j branches) never create two nodes with the same tag.
#pragma once

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace acc {

// Only save() needs the tensors (checkpoint_save.cpp); everything else here reads and
// writes metadata, so the run-directory readers and the torch-free `acc` front-end use
// this header without LibTorch.
class TrainingState;

struct NodeMeta {
  std::string id;
  std::string tag;
  std::string parent;  // id of the parent node, empty for a root
  std::string run_id;
  int64_t step = 0;
  std::string created;
  nlohmann::json model;     // Model::config()
  nlohmann::json tasks;     // [TaskConfig::to_json()]
  nlohmann::json datasets;  // {name: Dataset::info} for every dataset the tasks read
  nlohmann::json lineage;   // [resolved recipe op] from run start to this node
  // {name: state} of the branch's plug-ins (train/branch_plugin.h), e.g. {"gating": {...}}
  // while gradient gating is on; empty object when none. Nodes written before plug-ins
  // had a top-level "gating" (null or the config); from_json reads it as plugins.gating.
  nlohmann::json plugins = nlohmann::json::object();
  int64_t op_index = -1;    // index of the recipe op that made it (resume starts after it); -1 outside recipes
  nlohmann::json metrics = nlohmann::json::object();  // {task: {metric: value}}

  nlohmann::json to_json() const;
  static NodeMeta from_json(const nlohmann::json& j);
};

class CheckpointStore {
 public:
  CheckpointStore(std::filesystem::path dir, std::string run_id);

  // Saves `state` as a new node. Refuses a tag already used in this run.
  NodeMeta save(const TrainingState& state, const std::string& tag, const std::string& parent,
                const nlohmann::json& lineage, int64_t op_index = -1);
  // A new node whose state is the parent's, bitwise: state.pt is hard-linked (copied only
  // when the filesystem cannot link), so a fork costs the same whatever the model's size.
  NodeMeta fork(const NodeMeta& parent, const std::string& tag, const nlohmann::json& lineage,
                int64_t op_index = -1);
  std::vector<NodeMeta> list() const;  // ordered by creation
  std::optional<NodeMeta> find_tag(const std::string& tag) const;
  NodeMeta read(const std::string& id) const;
  std::filesystem::path state_path(const std::string& id) const;
  // Rewrites meta.json atomically with metrics merged in.
  void record_metrics(const std::string& id, const nlohmann::json& metrics);

 private:
  std::filesystem::path node_dir(const std::string& id) const;
  // Creates a node (tmp dir + rename) under the lock; `fill` writes state.pt into the tmp dir.
  NodeMeta create_node(NodeMeta meta, const std::function<void(const std::filesystem::path&)>& fill);
  std::filesystem::path dir_;
  std::string run_id_;
};

}  // namespace acc
