// Node -> TrainingState; see node_state.h.
#include "recipe/node_state.h"

#include "data/registry.h"
#include "error.h"
#include "models/registry.h"
#include "tasks/registry.h"

namespace acc {

void restore_node_state(TrainingState& state, const NodeMeta& node, const std::filesystem::path& state_path,
                        const DatasetMap& datasets, const std::string& where) {
  const std::string prefix = where.empty() ? "node " + node.run_id + "/" + node.tag : where;
  state.set_model(build_model_from_config(node.model));
  for (const auto& task_json : node.tasks) {
    TaskConfig config = TaskConfig::from_json(task_json);
    auto it = datasets.find(config.dataset);
    if (it == datasets.end())
      throw Error(prefix + ": its task '" + config.name + "' reads dataset '" + config.dataset +
                  "', which is not loaded; load it before forking from this node");
    state.attach(build_task(config, prefix), it->second, prefix);
  }
  state.load_state(state_path.string());
}

DatasetMap load_node_datasets(const NodeMeta& node, const std::string& data_root) {
  DatasetMap datasets;
  const std::string root = data_root.empty() ? default_data_root() : data_root;
  for (const auto& [name, info] : node.datasets.items()) {
    const std::string source = info.value("source", name);
    datasets[name] = std::make_shared<Dataset>(
        load_dataset(name, source, info.value("options", nlohmann::json::object()), root,
                     "node " + node.run_id + "/" + node.tag + ": dataset '" + name + "'"));
  }
  return datasets;
}

void load_run_datasets(DatasetMap& datasets, const nlohmann::json& run_config, const std::string& data_root) {
  const std::string root = data_root.empty() ? default_data_root() : data_root;
  const nlohmann::json ops = run_config.value("recipe", nlohmann::json::object()).value("ops", nlohmann::json::array());
  for (const auto& op : ops) {
    if (op.value("op", "") != "load_dataset") continue;
    const std::string name = op.value("name", "");
    if (name.empty() || datasets.count(name)) continue;
    const std::string source = op.value("source", name);
    nlohmann::json options = op;
    for (const char* key : {"op", "line", "name", "source"}) options.erase(key);
    datasets[name] = std::make_shared<Dataset>(
        load_dataset(name, source, options, root, "run config.json: load_dataset '" + name + "'"));
  }
}

}  // namespace acc
