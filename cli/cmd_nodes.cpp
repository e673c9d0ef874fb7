// Commands on existing checkpoint nodes: `acc fork`, `acc eval` and `acc reproduce`.
// Nodes are RUN_ID/TAG or a unique id prefix.
#include <iomanip>
#include <iostream>
#include <memory>

#include "commands.h"
#include "torch_commands.h"
#include "error.h"
#include "eval/artifacts.h"
#include "progress.h"
#include "recipe/node_commands.h"
#include "recipe/recipe.h"
#include "run/run_dir.h"
#include "runtime.h"
#include "terminal.h"

namespace acc::cli {

namespace {

std::string root_or_default(const std::string& runs) { return runs.empty() ? default_runs_root() : runs; }

struct ForkOptions {
  std::string node, tag, runs;
};

struct EvalOptions {
  std::string node, runs;
  std::vector<std::string> tasks;
  std::vector<std::string> artifacts;
  std::string artifact_dataset, split = "test";
  int64_t knn_k = 15;
  std::vector<std::string> factor_datasets;
  std::string judge;
  int64_t effect_images = 200;
  bool json = false;
  RuntimeOptions runtime;
};

// The CLI spelling of the evaluate op's artifact fields, checked by the same option rows.
ArtifactSettings artifact_settings(const EvalOptions& o) {
  nlohmann::json fields = {{"artifacts", o.artifacts},
                           {"artifact_dataset", o.artifact_dataset},
                           {"split", o.split},
                           {"knn_k", o.knn_k},
                           {"factor_datasets", o.factor_datasets},
                           {"judge", o.judge},
                           {"effect_images", o.effect_images}};
  if (o.artifacts.size() == 1 && o.artifacts[0] == "all") fields["artifacts"] = "all";
  return artifact_settings_from_fields(resolve_options(artifact_option_specs(), fields, "acc eval"), "acc eval");
}

struct ReproduceOptions {
  std::string node, runs;
  bool quiet = false;
  RuntimeOptions runtime;
};

void print_metrics(const nlohmann::json& metrics) {
  for (const auto& [task, values] : metrics.items()) {
    std::cout << task << ":";
    for (const auto& [name, v] : values.items())
      std::cout << " " << name << "=" << std::setprecision(6) << v.get<double>();
    std::cout << "\n";
  }
}

}  // namespace

Command setup_fork(CLI::App& app) {
  auto o = std::make_shared<ForkOptions>();
  CLI::App* cmd = app.add_subcommand("fork", std::string(torch_command_summary("fork")));
  cmd->add_option("node", o->node, "RUN_ID/TAG or a node id prefix")->required();
  cmd->add_option("--tag", o->tag, "tag of the new node")->required();
  cmd->add_option("--runs", o->runs, "runs root (default: $ACC_RUNS or ./runs)");
  return {cmd, [o] {
            const NodeMeta node = fork_existing(root_or_default(o->runs), o->node, o->tag);
            std::cout << "forked " << o->node << " -> " << node.run_id << "/" << node.tag << " (" << node.id << ", step "
                      << node.step << ")\n";
            return 0;
          }};
}

Command setup_eval(CLI::App& app) {
  auto o = std::make_shared<EvalOptions>();
  CLI::App* cmd = app.add_subcommand("eval", std::string(torch_command_summary("eval")));
  cmd->add_option("node", o->node, "RUN_ID/TAG or a node id prefix")->required();
  cmd->add_option("--task", o->tasks,
                  "extra task as attach_task fields, e.g. '{task: reconstruction, dataset: mnist}' (repeatable)");
  cmd->add_option("--artifacts", o->artifacts, "artifacts to write for the node: all, or names (" + artifact_names() + ")")
      ->delimiter(',');
  cmd->add_option("--artifact-dataset", o->artifact_dataset,
                  "dataset the grids and projections use (default: the node's reconstruction task's)");
  cmd->add_option("--split", o->split, "split projected: test, train or all")->capture_default_str();
  cmd->add_option("--knn-k", o->knn_k, "neighbours in the latent kNN graph")->capture_default_str();
  cmd->add_option("--factor-datasets", o->factor_datasets, "datasets with factors for disentanglement (default: all)")
      ->delimiter(',');
  cmd->add_option("--judge", o->judge, "traversal_effects: tag of a classifier node of the same run that judges the digits");
  cmd->add_option("--effect-images", o->effect_images, "traversal_effects: test images swept per latent group")
      ->capture_default_str();
  cmd->add_option("--runs", o->runs, "runs root (default: $ACC_RUNS or ./runs)");
  cmd->add_flag("--json", o->json, "print the metrics as JSON");
  add_runtime_options(*cmd, o->runtime);
  return {cmd, [o] {
            const torch::Device device = configure_runtime(o->runtime);
            std::vector<nlohmann::json> extra;
            for (const auto& t : o->tasks) extra.push_back(parse_yaml_value(t, "--task"));
            const nlohmann::json metrics =
                evaluate_existing(root_or_default(o->runs), o->node, extra, device, "", artifact_settings(*o));
            if (o->json) std::cout << metrics.dump(2) << "\n";
            else print_metrics(metrics);
            return 0;
          }};
}

Command setup_reproduce(CLI::App& app) {
  auto o = std::make_shared<ReproduceOptions>();
  CLI::App* cmd = app.add_subcommand("reproduce", std::string(torch_command_summary("reproduce")));
  cmd->add_option("node", o->node, "RUN_ID/TAG or a node id prefix")->required();
  cmd->add_option("--runs", o->runs, "runs root (default: $ACC_RUNS or ./runs)");
  cmd->add_flag("-q,--quiet", o->quiet, "no progress output");
  add_runtime_options(*cmd, o->runtime);
  return {cmd, [o] {
            RunOptions options;
            options.device = configure_runtime(o->runtime);
            ProgressPrinter progress(std::cerr, o->quiet ? ProgressMode::kQuiet
                                                : stderr_is_terminal() ? ProgressMode::kLive
                                                                       : ProgressMode::kPlain);
            options.observers = {&progress};
            options.listener = &progress;
            options.cancel = &install_cancel_handler();
            options.invocation = {{"reproduce", o->node}, {"threads", o->runtime.threads}};
            const ReproduceReport r = reproduce_node(root_or_default(o->runs), o->node, options);
            std::cout << (r.identical ? "reproduced: " : "NOT reproduced: ") << r.original << " vs " << r.replay_run
                      << "/" << r.original.substr(r.original.find('/') + 1) << " — " << r.tensors_compared
                      << " tensors, max |diff| " << r.max_abs_diff << " (threads " << o->runtime.threads << ")\n";
            return r.identical ? 0 : 1;
          }};
}


}  // namespace acc::cli
