// Recipe planning and execution; see runner.h.
#include "recipe/runner.h"

#include <chrono>
#include <fstream>
#include <optional>
#include <thread>
#include <sstream>

#include "data/registry.h"
#include "error.h"
#include "recipe/node_state.h"
#include "recipe/ops.h"
#include "run/run_dir.h"
#include "run/run_format.h"
#include "run/run_index.h"
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

// Polls for runs/<id>/CANCEL (written by `acc cancel`, possibly from another machine on a
// shared filesystem) and for the front-end's flag (Ctrl-C), and raises one flag the trainer
// checks every step.
class CancelWatcher {
 public:
  CancelWatcher(fs::path file, const std::atomic<bool>* external) : file_(std::move(file)), external_(external) {
    thread_ = std::thread([this] {
      while (!stop_.load()) {
        std::error_code ec;
        if ((external_ && external_->load()) || fs::exists(file_, ec)) flag.store(true);
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
      }
    });
  }
  ~CancelWatcher() {
    stop_.store(true);
    thread_.join();
  }
  std::atomic<bool> flag{false};

 private:
  fs::path file_;
  const std::atomic<bool>* external_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

RecipeContext make_context(RunDir& run, const Plan& plan, const RunOptions& options) {
  RecipeContext ctx(options.device);
  ctx.datasets = plan.datasets;
  ctx.run = &run;
  ctx.store = std::make_unique<CheckpointStore>(run.checkpoints_dir(), run.id());
  ctx.observers = options.observers;
  ctx.listener = options.listener;
  for (const auto& [name, d] : plan.datasets) ctx.visualization_samples[name] = visualization_indices(*d);
  return ctx;
}

// Executes ops[start..] and ends the run in its terminal state.
RunResult execute_from(const Recipe& recipe, RecipeContext& ctx, size_t start) {
  RunDir& run = *ctx.run;
  CancelWatcher watcher(run.path() / run_format::kCancelFile, ctx.cancel);
  ctx.cancel = &watcher.flag;
  RunResult result{run.id(), run.path().string(), "", ""};
  try {
    for (size_t i = start; i < recipe.ops.size(); ++i) {
      const RecipeOp& op = recipe.ops[i];
      const nlohmann::json fields = resolve_op_fields(op);
      nlohmann::json entry = fields;
      entry["op"] = op.op;
      entry["line"] = op.line;
      ctx.lineage.push_back(entry);
      ctx.op_index = static_cast<int64_t>(i);
      find_op(op.op)->execute(op, fields, ctx);
      if (watcher.flag.load()) throw RunCancelled{};
    }
    run.finish_completed();
    result.status = run_format::kStatusCompleted;
  } catch (const RunCancelled&) {
    result.reason = "cancelled at step " + std::to_string(ctx.state.step());
    // Keep the work done so far: the state at cancel time becomes a node. It is saved with
    // op_index -1 so --resume ignores it and re-runs the interrupted op from the last
    // completed one: a resumed run is exactly the run that was not interrupted.
    if (ctx.state.has_model()) {
      const std::string tag = "cancelled_step" + std::to_string(ctx.state.step()) + "_op" + std::to_string(ctx.op_index);
      ctx.op_index = -1;
      const NodeMeta node = ctx.save_node(tag);
      result.reason += "; state saved as node " + node.tag;
    }
    run.finish_cancelled(result.reason);
    result.status = run_format::kStatusCancelled;
  } catch (const Error& e) {
    run.finish_failed(e.what());
    throw;
  } catch (const c10::Error& e) {
    const std::string reason = "LibTorch error: " + std::string(e.what_without_backtrace());
    run.finish_failed(reason);
    throw Error(reason, ExitCode::kFailure);
  } catch (const std::exception& e) {
    run.finish_failed(e.what());
    throw Error(e.what(), ExitCode::kFailure);
  }
  return result;
}

}  // namespace

RunResult run_recipe(const Recipe& recipe, const RunOptions& options) {
  Plan plan = plan_recipe(recipe, options.data_root);  // throws before anything is written

  const std::string runs_root = options.runs_root.empty() ? default_runs_root() : options.runs_root;
  const std::string run_id = options.run_id.empty() ? make_run_id(recipe.name) : options.run_id;
  auto run = RunDir::create(runs_root, run_id, run_config(recipe, plan, options));
  write_file_atomic(run->path() / run_format::kRecipeCopyFile, recipe.text);
  if (options.listener) options.listener->on_run_created(run_id, run->path().string());

  RecipeContext ctx = make_context(*run, plan, options);
  ctx.cancel = options.cancel;
  torch::manual_seed(static_cast<uint64_t>(recipe.seed));
  run->mark_started();
  return execute_from(recipe, ctx, 0);
}

RunResult resume_run(const std::string& run_id, const RunOptions& options) {
  const std::string runs_root = options.runs_root.empty() ? default_runs_root() : options.runs_root;
  const RunInfo info = read_run(runs_root, run_id);
  if (info.status() == run_format::kStatusCompleted)
    throw Error("run " + run_id + " already completed; nothing to resume");
  // The recipe as it was when the run started (its text and resolved vars), not the file
  // on disk now: a resumed run must be the same run.
  std::map<std::string, std::string> vars;
  const nlohmann::json stored_vars = info.config["recipe"].value("vars", nlohmann::json::object());
  for (const auto& [name, value] : stored_vars.items())
    vars[name] = value.dump();
  std::ifstream in(info.dir / run_format::kRecipeCopyFile);
  std::stringstream text;
  text << in.rdbuf();
  const Recipe recipe = parse_recipe(text.str(), info.config["recipe"].value("path", "recipe.yaml"), vars);
  const Plan plan = plan_recipe(recipe, info.config.value("data_root", options.data_root));

  std::error_code ec;
  fs::remove(info.dir / run_format::kCancelFile, ec);  // a previous `acc cancel` is done with
  auto run = RunDir::reopen(info.dir);
  if (options.listener) options.listener->on_run_created(run_id, run->path().string());
  RecipeContext ctx = make_context(*run, plan, options);
  ctx.cancel = options.cancel;

  // Continue from the node made by the latest op: everything up to it is on disk exactly.
  size_t start = 0;
  std::optional<NodeMeta> latest;
  for (const auto& node : ctx.store->list())
    if (node.op_index >= 0 && (!latest || node.op_index > latest->op_index)) latest = node;
  if (latest) {
    restore_node_state(ctx.state, *latest, ctx.store->state_path(latest->id), ctx.datasets);
    ctx.current_node = latest->id;
    ctx.current_tag = latest->tag;
    ctx.lineage = latest->lineage;
    start = static_cast<size_t>(latest->op_index) + 1;
    run->events().emit("log", {{"message", "resuming after op " + std::to_string(latest->op_index) + " from node " +
                                               latest->tag}});
    if (options.listener) options.listener->on_log("resuming from node " + latest->tag + " (op " +
                                                   std::to_string(latest->op_index + 1) + " of " +
                                                   std::to_string(recipe.ops.size()) + " done)");
  } else {
    torch::manual_seed(static_cast<uint64_t>(recipe.seed));
  }
  return execute_from(recipe, ctx, start);
}

}  // namespace acc
