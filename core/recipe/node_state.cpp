// Node -> TrainingState; see node_state.h.
#include "recipe/node_state.h"

#include "data/registry.h"
#include "error.h"
#include "models/registry.h"
#include "recipe/plugin_registry.h"
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
  restore_plugins(state, node.plugins, prefix);
  state.load_state(state_path.string());
}

std::vector<std::pair<std::string, torch::Tensor>> model_state_tensors(const std::filesystem::path& state_path, const NodeMeta& node) {
  // The model's tensors only: probe heads are trained by the same steps, so equal model
  // weights after equal steps already pin them; the model is what the claim is about.
  torch::serialize::InputArchive archive;
  archive.load_from(state_path.string());
  std::vector<std::pair<std::string, torch::Tensor>> out;
  torch::serialize::InputArchive model_archive;
  archive.read("model", model_archive);
  auto model = build_model_from_config(node.model);
  model->load(model_archive);
  for (const auto& p : model->named_parameters()) out.emplace_back("model." + p.key(), p.value().detach().clone());
  for (const auto& b : model->named_buffers()) out.emplace_back("model." + b.key(), b.value().detach().clone());
  return out;
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
