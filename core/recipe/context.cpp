// RecipeContext helpers shared by several ops; see context.h.
#include "recipe/context.h"

#include <algorithm>

#include "error.h"
#include "recipe/judge.h"
#include "recipe/node_state.h"

namespace acc {

void Plan::describe(const RecipeOp& op, const std::string& text) {
  lines.push_back("  line " + std::to_string(op.line) + "  " + op.op + ": " + text +
                  (op.origin.empty() ? "" : "   [" + op.origin + "]"));
}

NodeMeta RecipeContext::save_node(const std::string& tag) {
  NodeMeta node = store->save(state, tag, current_node, lineage, op_index);
  current_node = node.id;
  current_tag = node.tag;
  run->events().emit("checkpoint.saved", {{"id", node.id}, {"tag", node.tag}, {"parent", node.parent},
                                          {"step", node.step}});
  run->record_checkpoint({{"id", node.id}, {"tag", node.tag}, {"step", node.step}});
  if (listener) listener->on_checkpoint(node);
  return node;
}

NodeMeta RecipeContext::fork_node(const std::string& from, const std::string& tag, const nlohmann::json& fork_entry) {
  const auto parent = store->find_tag(from);
  if (!parent) throw Error("fork: no node tagged '" + from + "' in run " + run->id());
  restore_node_state(state, *parent, store->state_path(parent->id), datasets);
  lineage = parent->lineage;
  lineage.push_back(fork_entry);
  NodeMeta node = store->fork(*parent, tag, lineage, op_index);
  current_node = node.id;
  current_tag = node.tag;
  run->events().emit("checkpoint.saved", {{"id", node.id}, {"tag", node.tag}, {"parent", node.parent},
                                          {"step", node.step}, {"fork", true}});
  run->record_checkpoint({{"id", node.id}, {"tag", node.tag}, {"step", node.step}});
  if (listener) listener->on_checkpoint(node);
  return node;
}

std::string default_artifact_dataset(const TrainingState& state) {
  for (const auto& t : state.tasks())
    if (t.task->config().type == "reconstruction") return t.task->config().dataset;
  return "";
}

nlohmann::json RecipeContext::evaluate(const std::vector<std::string>& task_names, const ArtifactSettings& artifacts) {
  nlohmann::json metrics = nlohmann::json::object();
  std::vector<std::pair<std::string, nlohmann::json>> details;  // task -> per-unit data
  for (auto& t : state.tasks()) {
    const std::string& name = t.task->name();
    if (!task_names.empty() && std::find(task_names.begin(), task_names.end(), name) == task_names.end())
      continue;
    const Metrics m = t.task->evaluate(state.model(), *t.dataset, state.device());
    metrics[name] = nlohmann::json(m);
    nlohmann::json d = t.task->details();
    if (!d.is_null()) details.emplace_back(name, std::move(d));
  }
  // Metrics belong to the node only if nothing has trained since it was saved or loaded.
  const bool at_node = !current_node.empty() && store->read(current_node).step == state.step();
  const std::string label = at_node ? current_tag
                                    : (current_tag.empty() ? "" : current_tag + "+") + "step_" + std::to_string(state.step());
  ArtifactSink sink(run->path(), label, at_node ? current_node : "", state.step(), &run->events());
  for (const auto& [name, d] : details) sink.write_json("units", name, d);
  if (!artifacts.names.empty()) {
    ArtifactSettings settings = artifacts;
    if (settings.dataset.empty()) settings.dataset = default_artifact_dataset(state);
    restore_requested_judge(settings, *store, datasets, state.device(), state.model(), "evaluate");
    std::vector<int64_t> samples;
    if (visualization_samples.contains(settings.dataset))
      samples = visualization_samples[settings.dataset].get<std::vector<int64_t>>();
    const nlohmann::json scores =
        write_artifacts(state.model(), datasets, settings, samples, state.device(), sink, [&](const std::string& line) {
          run->events().emit("log", {{"message", line}});
          if (listener) listener->on_log(line);
        });
    metrics.update(scores);
  }
  run->events().emit("eval.metrics", {{"node", at_node ? nlohmann::json(current_node) : nlohmann::json()},
                                      {"tag", label}, {"step", state.step()}, {"metrics", metrics}});
  if (at_node) store->record_metrics(current_node, metrics);
  run->record_metrics(label, metrics);
  if (listener) listener->on_eval(label, metrics);
  return metrics;
}

}  // namespace acc
