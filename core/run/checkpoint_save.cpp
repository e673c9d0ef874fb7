// CheckpointStore::save, the one part of the checkpoint store that touches tensors: it
// lives apart from checkpoint.cpp so the metadata side links without LibTorch.
#include "run/checkpoint.h"
#include "train/training_state.h"

namespace acc {

namespace fs = std::filesystem;

NodeMeta CheckpointStore::save(const TrainingState& state, const std::string& tag,
                               const std::string& parent, const nlohmann::json& lineage, int64_t op_index) {
  NodeMeta meta;
  meta.tag = tag;
  meta.parent = parent;
  meta.step = state.step();
  meta.model = state.model_ptr()->config();
  meta.tasks = nlohmann::json::array();
  meta.datasets = nlohmann::json::object();
  for (const auto& t : state.tasks()) {
    meta.tasks.push_back(t.task->config().to_json());
    meta.datasets[t.dataset->name] = t.dataset->info;
  }
  meta.plugins = state.plugin_states();
  meta.lineage = lineage;
  meta.op_index = op_index;
  return create_node(std::move(meta), [&](const fs::path& tmp) { state.save_state((tmp / "state.pt").string()); });
}

}  // namespace acc
