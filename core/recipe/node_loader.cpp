// Restoring a node outside its recipe; see node_loader.h.
#include "recipe/node_loader.h"

#include "error.h"
#include "recipe/node_state.h"

namespace acc {

LoadedNode load_node(const std::filesystem::path& runs_root, const std::string& address, const torch::Device& device,
                     const std::string& data_root) {
  LoadedNode n;
  n.at = resolve_node(runs_root, address);
  n.data_root = data_root.empty() ? n.at.run.config.value("data_root", "") : data_root;
  n.datasets = load_node_datasets(n.at.node, n.data_root);
  // Datasets the run loaded that the node's tasks do not read (a factor set, say) may be
  // the one asked for.
  load_run_datasets(n.datasets, n.at.run.config, n.data_root);
  n.state = std::make_unique<TrainingState>(device);
  restore_node_state(*n.state, n.at.node, n.at.state_path, n.datasets);
  return n;
}

std::string LoadedNode::dataset_name(const std::string& name, const std::string& where) const {
  const std::string chosen = name.empty() ? default_artifact_dataset(*state) : name;
  if (chosen.empty())
    throw Error(where + ": node " + at.run.id + "/" + at.node.tag +
                " has no reconstruction task to take a dataset from; give --dataset NAME");
  if (!datasets.count(chosen)) {
    std::string names;
    for (const auto& [k, v] : datasets) names += (names.empty() ? "" : ", ") + k;
    throw Error(where + ": no dataset named '" + chosen + "' in run " + at.run.id + " (it has: " + names +
                "); give --dataset with one of those");
  }
  return chosen;
}

const Dataset& LoadedNode::dataset(const std::string& name, const std::string& where) const {
  return *datasets.at(dataset_name(name, where));
}

}  // namespace acc
