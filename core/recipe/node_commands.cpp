// Commands on existing nodes; see node_commands.h.
#include "recipe/node_commands.h"

#include <cmath>
#include <sstream>

#include "data/registry.h"
#include "error.h"
#include "models/registry.h"
#include "recipe/judge.h"
#include "recipe/node_state.h"
#include "recipe/ops.h"
#include "run/run_format.h"
#include "tasks/registry.h"
#include "util/json_io.h"
#include "web/web_mirror.h"

namespace acc {

namespace fs = std::filesystem;

NodeMeta fork_existing(const fs::path& runs_root, const std::string& address, const std::string& tag) {
  const NodeAddress from = resolve_node(runs_root, address);
  CheckpointStore store(from.run.dir / run_format::kCheckpointsDir, from.run.id);
  nlohmann::json lineage = from.node.lineage;
  lineage.push_back({{"op", "fork"}, {"from", from.node.tag}, {"tag", tag}, {"via", "acc fork"}});
  NodeMeta node = store.fork(from.node, tag, lineage);
  refresh_viewer_mirror(from.run.dir);  // best effort: a stale viewer never fails the fork
  return node;
}

nlohmann::json evaluate_existing(const fs::path& runs_root, const std::string& address,
                                 const std::vector<nlohmann::json>& extra_tasks, const torch::Device& device,
                                 const std::string& data_root_given, const ArtifactSettings& artifacts) {
  const NodeAddress at = resolve_node(runs_root, address);
  const std::string data_root = data_root_given.empty() ? at.run.config.value("data_root", "") : data_root_given;
  const bool live = at.run.status() == run_format::kStatusRunning || at.run.status() == run_format::kStatusCreated;
  if (!artifacts.names.empty() && live)
    throw Error("run " + at.run.id + " is live (status " + at.run.status() +
                "); write artifacts for its nodes after it ends, or add them to its recipe's evaluate op");
  DatasetMap datasets = load_node_datasets(at.node, data_root);
  TrainingState state(device);
  restore_node_state(state, at.node, at.state_path, datasets);

  for (const auto& fields : extra_tasks) {
    RecipeOp op;
    op.op = "attach_task";
    op.file = "--task";
    op.fields = fields;
    const nlohmann::json f = resolve_op_fields(op);
    TaskConfig config;
    config.type = f["task"];
    config.name = f.value("name", config.type);
    config.dataset = f["dataset"];
    config.weight = f["weight"];
    if (f.contains("latent_slice")) config.latent_slice = LatentSlice{f["latent_slice"][0], f["latent_slice"][1]};
    config.options = f;
    for (const char* k : {"task", "name", "dataset", "weight", "latent_slice"}) config.options.erase(k);
    if (!datasets.count(config.dataset))
      datasets[config.dataset] = std::make_shared<Dataset>(
          load_dataset(config.dataset, config.dataset, nlohmann::json::object(),
                       data_root.empty() ? default_data_root() : data_root, "--task: dataset"));
    TaskPtr task = build_task(config, "--task");
    task->bind(state.model(), *datasets[config.dataset], device);
    if (task->head())
      throw Error("--task " + config.type + ": this task trains a probe head, which an evaluation cannot train; "
                  "attach it in a recipe and train, then evaluate");
    state.attach(task, datasets[config.dataset], "--task");
  }
  if (state.tasks().empty() && artifacts.names.empty())
    throw Error("node " + address + " has no attached tasks; give tasks to evaluate with --task '{task: reconstruction, dataset: NAME}'");

  nlohmann::json metrics = nlohmann::json::object();
  for (auto& t : state.tasks()) metrics[t.task->name()] = nlohmann::json(t.task->evaluate(state.model(), *t.dataset, device));
  if (!artifacts.names.empty()) {
    // Datasets the run loaded that the node's tasks do not read (a factor set, say) may be
    // what the artifacts need.
    load_run_datasets(datasets, at.run.config, data_root);
    ArtifactSettings settings = artifacts;
    if (settings.dataset.empty()) settings.dataset = default_artifact_dataset(state);
    const auto& stored = at.run.config.value("visualization_samples", nlohmann::json::object());
    std::vector<int64_t> samples;
    if (stored.contains(settings.dataset)) samples = stored[settings.dataset].get<std::vector<int64_t>>();
    else if (datasets.count(settings.dataset)) samples = visualization_indices(*datasets[settings.dataset]);
    check_artifacts(state.model(), datasets, settings, "acc eval " + address);
    restore_requested_judge(settings, CheckpointStore(at.run.dir / run_format::kCheckpointsDir, at.run.id), datasets,
                            device, state.model(), "acc eval " + address + ": --judge");
    EventLog events(at.run.dir / run_format::kEventsFile, /*heartbeat_seconds=*/0,
                    [&] { refresh_viewer_mirror(at.run.dir); });
    ArtifactSink sink(at.run.dir, at.node.tag, at.node.id, at.node.step, &events);
    metrics.update(write_artifacts(state.model(), datasets, settings, samples, device, sink,
                                   [&](const std::string& line) { events.emit("log", {{"message", line}}); }));
    events.emit("eval.metrics", {{"node", at.node.id}, {"tag", at.node.tag}, {"step", at.node.step}, {"metrics", metrics}});
    events.close();
  }
  CheckpointStore(at.run.dir / run_format::kCheckpointsDir, at.run.id).record_metrics(at.node.id, metrics);
  refresh_viewer_mirror(at.run.dir);
  return metrics;
}

namespace {

// The replay recipe: every load_dataset of the original run (datasets are shared by all
// branches, so a branch's lineage may use one loaded on another), then the lineage's other
// ops in order.
Recipe replay_recipe(const RunInfo& run, const NodeMeta& node) {
  Recipe recipe;
  recipe.path = run.dir.string() + "/checkpoints/" + node.id + "/meta.json (lineage)";
  recipe.name = "reproduce-" + node.tag;
  recipe.description = "replay of " + run.id + "/" + node.tag;
  recipe.seed = run.config.value("seed", int64_t{0});
  auto add = [&](const nlohmann::json& entry) {
    RecipeOp op;
    op.op = entry.at("op");
    op.file = recipe.path;
    op.line = entry.value("line", 0);
    op.fields = entry;
    op.fields.erase("op");
    op.fields.erase("line");
    op.fields.erase("via");
    recipe.ops.push_back(op);
  };
  for (const auto& op : run.config["recipe"].value("ops", nlohmann::json::array()))
    if (op.value("op", "") == "load_dataset") add(op);
  for (const auto& entry : node.lineage)
    if (entry.value("op", "") != "load_dataset") add(entry);
  std::ostringstream text;
  text << "# replay of " << run.id << "/" << node.tag << " (generated by acc reproduce)\n";
  recipe.text = text.str() + recipe.to_json().dump(2) + "\n";
  return recipe;
}


}  // namespace

ReproduceReport reproduce_node(const fs::path& runs_root, const std::string& address, const RunOptions& options) {
  const NodeAddress at = resolve_node(runs_root, address);
  if (at.node.lineage.empty())
    throw Error("node " + address + " has no recorded lineage (it was not made by a recipe); nothing to replay");
  const Recipe recipe = replay_recipe(at.run, at.node);
  RunOptions replay = options;
  replay.runs_root = runs_root.string();
  if (replay.run_id.empty()) replay.run_id = make_run_id(at.run.id + "-reproduce-" + at.node.tag);
  if (replay.data_root.empty()) replay.data_root = at.run.config.value("data_root", "");
  const RunResult result = run_recipe(recipe, replay);

  ReproduceReport report;
  report.original = at.run.id + "/" + at.node.tag;
  report.replay_run = result.run_id;
  report.replay_dir = result.dir;
  const NodeAddress replayed = resolve_node(runs_root, result.run_id + "/" + at.node.tag);
  const auto a = model_state_tensors(at.state_path, at.node);
  const auto b = model_state_tensors(replayed.state_path, replayed.node);
  report.identical = a.size() == b.size();
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    ++report.tensors_compared;
    if (a[i].first != b[i].first || a[i].second.sizes() != b[i].second.sizes()) {
      report.identical = false;
      continue;
    }
    if (!torch::equal(a[i].second, b[i].second)) report.identical = false;
    report.max_abs_diff = std::max(report.max_abs_diff,
                                   (a[i].second.to(torch::kDouble) - b[i].second.to(torch::kDouble)).abs().max().item<double>());
  }
  return report;
}


}  // namespace acc
