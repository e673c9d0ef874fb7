// Recipe planning and execution; see runner.h.
#include "recipe/runner.h"

#include <fstream>
#include <sstream>

#include "data/registry.h"
#include "error.h"
#include "recipe/ops.h"
#include "run/run_dir.h"
#include "run/run_format.h"
#include "util/json_io.h"
#include "version.h"

namespace acc {

namespace fs = std::filesystem;

Plan plan_recipe(const Recipe& recipe, const std::string& data_root) {
  Plan plan;
  plan.data_root = data_root.empty() ? default_data_root() : data_root;
  for (const auto& op : recipe.ops) {
    const nlohmann::json fields = resolve_op_fields(op);
    find_op(op.op)->plan(op, fields, plan);
  }
  return plan;
}

std::string format_plan(const Recipe& recipe, const Plan& plan) {
  std::ostringstream os;
  os << "recipe " << recipe.name << " (" << recipe.path << "), seed " << recipe.seed << "\n";
  if (!recipe.vars.empty()) os << "vars " << recipe.vars.dump() << "\n";
  for (const auto& line : plan.lines) os << line << "\n";
  os << "nodes to create: " << plan.tags.size();
  for (const auto& tag : plan.tags) os << " " << tag;
  os << "\ntotal training steps: " << plan.total_steps << "\n";
  return os.str();
}

std::vector<int64_t> visualization_indices(const Dataset& dataset, int64_t count) {
  const int64_t n = dataset.test.size();
  std::vector<int64_t> out;
  if (n == 0) return out;
  count = std::min(count, n);
  if (dataset.has_labels() && dataset.test.labels.defined()) {
    const auto labels = dataset.test.labels.to(torch::kCPU).contiguous();
    const auto* l = labels.data_ptr<int64_t>();
    std::vector<std::vector<int64_t>> by_class(static_cast<size_t>(dataset.num_classes));
    for (int64_t i = 0; i < n; ++i)
      if (l[i] >= 0 && l[i] < dataset.num_classes) by_class[static_cast<size_t>(l[i])].push_back(i);
    for (size_t round = 0; static_cast<int64_t>(out.size()) < count; ++round) {
      bool any = false;
      for (const auto& members : by_class)
        if (round < members.size() && static_cast<int64_t>(out.size()) < count) {
          out.push_back(members[round]);
          any = true;
        }
      if (!any) break;
    }
    return out;
  }
  for (int64_t i = 0; i < count; ++i) out.push_back(i * n / count);
  return out;
}

namespace {

nlohmann::json run_config(const Recipe& recipe, const Plan& plan, const RunOptions& options) {
  nlohmann::json env = environment_json();
  env["device"] = options.device.str();
  nlohmann::json datasets = nlohmann::json::object(), samples = nlohmann::json::object();
  for (const auto& [name, d] : plan.datasets) {
    datasets[name] = d->info;
    samples[name] = visualization_indices(*d);
  }
  return {{"recipe", recipe.to_json()},
          {"seed", recipe.seed},
          {"environment", env},
          {"data_root", plan.data_root},
          {"datasets", datasets},
          {"visualization_samples", samples},
          {"invocation", options.invocation}};
}

void execute_ops(const Recipe& recipe, RecipeContext& ctx) {
  for (const auto& op : recipe.ops) {
    const nlohmann::json fields = resolve_op_fields(op);
    nlohmann::json entry = fields;
    entry["op"] = op.op;
    entry["line"] = op.line;
    ctx.lineage.push_back(entry);
    find_op(op.op)->execute(op, fields, ctx);
  }
}

}  // namespace

RunResult run_recipe(const Recipe& recipe, const RunOptions& options) {
  Plan plan = plan_recipe(recipe, options.data_root);  // throws before anything is written

  const std::string runs_root = options.runs_root.empty() ? default_runs_root() : options.runs_root;
  const std::string run_id = options.run_id.empty() ? make_run_id(recipe.name) : options.run_id;
  auto run = RunDir::create(runs_root, run_id, run_config(recipe, plan, options));
  write_file_atomic(run->path() / run_format::kRecipeCopyFile, recipe.text);
  if (options.listener) options.listener->on_run_created(run_id, run->path().string());

  RecipeContext ctx(options.device);
  ctx.datasets = plan.datasets;
  ctx.run = run.get();
  ctx.store = std::make_unique<CheckpointStore>(run->checkpoints_dir(), run_id);
  ctx.observers = options.observers;
  ctx.cancel = options.cancel;
  ctx.listener = options.listener;

  RunResult result{run_id, run->path().string(), "", ""};
  torch::manual_seed(static_cast<uint64_t>(recipe.seed));
  run->mark_started();
  try {
    execute_ops(recipe, ctx);
    run->finish_completed();
    result.status = run_format::kStatusCompleted;
  } catch (const RunCancelled&) {
    result.reason = "cancelled at step " + std::to_string(ctx.state.step());
    // Keep the work done so far: the state at cancel time becomes a node.
    if (ctx.state.has_model()) {
      const NodeMeta node = ctx.save_node("cancelled_step" + std::to_string(ctx.state.step()));
      result.reason += "; state saved as node " + node.tag;
    }
    run->finish_cancelled(result.reason);
    result.status = run_format::kStatusCancelled;
  } catch (const Error& e) {
    run->finish_failed(e.what());
    throw;
  } catch (const c10::Error& e) {
    const std::string reason = "LibTorch error: " + std::string(e.what_without_backtrace());
    run->finish_failed(reason);
    throw Error(reason, ExitCode::kFailure);
  } catch (const std::exception& e) {
    run->finish_failed(e.what());
    throw Error(e.what(), ExitCode::kFailure);
  }
  return result;
}

}  // namespace acc
