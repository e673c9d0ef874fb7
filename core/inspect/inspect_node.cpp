// Network inspection of a saved node; see inspect_node.h.
#include "inspect/inspect_node.h"

#include "recipe/node_loader.h"
#include "run/event_log.h"
#include "run/run_format.h"
#include "web/web_mirror.h"

namespace acc {

nlohmann::json inspect_node(const std::filesystem::path& runs_root, const std::string& address,
                            const std::string& dataset, const InspectRequest& request, const torch::Device& device,
                            const std::string& data_root) {
  const LoadedNode n = load_node(runs_root, address, device, data_root);
  const std::string name = n.dataset_name(dataset, "acc inspect");
  const Dataset& data = *n.datasets.at(name);
  Model& model = n.state->model();
  // Before the log is opened: a bad request leaves the run exactly as it was.
  check_inspection(model, data, request, device);

  EventLog events(n.at.run.dir / run_format::kEventsFile, /*heartbeat_seconds=*/0,
                  [&] { refresh_viewer_mirror(n.at.run.dir); });
  ArtifactSink sink(n.at.run.dir, n.at.node.tag, n.at.node.id, n.at.node.step, &events);
  nlohmann::json result = write_inspection(model, data, request, device, sink);
  events.close();
  refresh_viewer_mirror(n.at.run.dir);
  result.update({{"run", n.at.run.id},
                 {"run_dir", n.at.run.dir.string()},
                 {"node", n.at.node.id},
                 {"tag", n.at.node.tag},
                 {"step", n.at.node.step},
                 {"dataset", name}});
  return result;
}

}  // namespace acc
