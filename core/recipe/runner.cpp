// Recipe planning and execution; see runner.h.
#include "recipe/runner.h"

#include "debug/debug_controller.h"

#include <chrono>
#include <fstream>
#include <optional>
#include <thread>
#include <sstream>

#include "data/registry.h"
#include "error.h"
#include "recipe/node_state.h"
#include "recipe/ops.h"
#include "recipe/segments.h"
#include "run/run_dir.h"
#include "run/run_format.h"
#include "run/run_index.h"
#include "util/file_lock.h"
#include "util/json_io.h"
#include "runtime_info.h"
#include "version.h"

namespace acc {

namespace fs = std::filesystem;

Plan plan_recipe(const Recipe& recipe, const std::string& data_root) {
  Plan plan;
  plan.data_root = data_root.empty() ? default_data_root() : data_root;
  for (size_t i = 0; i < recipe.ops.size(); ++i) {
    const RecipeOp& op = recipe.ops[i];
    const nlohmann::json fields = resolve_op_fields(op);
    plan.op_index = i;
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
  ctx.debug = options.debug;
  ctx.listener = options.listener;
  for (const auto& [name, d] : plan.datasets) ctx.visualization_samples[name] = visualization_indices(*d);
  return ctx;
}

// Executes ops[start, end) and ends the run (or this process's segment of it) in its
// terminal state.
RunResult execute_from(const Recipe& recipe, RecipeContext& ctx, size_t start, size_t end) {
  RunDir& run = *ctx.run;
  CancelWatcher watcher(run.path() / run_format::kCancelFile, ctx.cancel);
  ctx.cancel = &watcher.flag;
  // The debugger watches every train op of this process and answers `acc ctl` until the
  // ops end; it is detached before the context's observers go back to the caller's.
  std::unique_ptr<DebugController> debugger;
  const std::vector<TrainObserver*> caller_observers = ctx.observers;
  if (ctx.debug) {
    debugger = std::make_unique<DebugController>(*ctx.debug, run.path(), &run.events(), &ctx.current_tag, ctx.cancel);
    // In a make -j plan several processes share the run; the first to listen answers
    // acc ctl, the others honour --pause-at only (docs/debugger.md). Said nowhere in the
    // log on purpose: a planned run's events must not depend on which segments overlapped.
    debugger->listen();
    ctx.observers.push_back(debugger.get());
  }
  struct RestoreObservers {
    RecipeContext& ctx;
    std::vector<TrainObserver*> observers;
    ~RestoreObservers() { ctx.observers = observers; }
  } restore{ctx, caller_observers};
  RunResult result{run.id(), run.path().string(), "", ""};
  try {
    for (size_t i = start; i < end; ++i) {
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

// Where to continue ops [begin, end) of a run made earlier: after the node made by the
// latest of them (restored into ctx: everything up to it is on disk exactly), or at
// `begin` with the run's seed when none of them made a node yet.
size_t continue_after_latest_node(const Recipe& recipe, RecipeContext& ctx, size_t begin, size_t end,
                                  const RunOptions& options) {
  std::optional<NodeMeta> latest;
  for (const auto& node : ctx.store->list()) {
    if (node.op_index < static_cast<int64_t>(begin) || node.op_index >= static_cast<int64_t>(end)) continue;
    if (!latest || node.op_index > latest->op_index) latest = node;
  }
  if (!latest) {
    torch::manual_seed(static_cast<uint64_t>(recipe.seed));
    ctx.lineage = lineage_before(recipe, begin);
    return begin;
  }
  restore_node_state(ctx.state, *latest, ctx.store->state_path(latest->id), ctx.datasets);
  ctx.current_node = latest->id;
  ctx.current_tag = latest->tag;
  ctx.lineage = latest->lineage;
  ctx.run->events().emit("log", {{"message", "resuming after op " + std::to_string(latest->op_index) + " from node " +
                                                 latest->tag}});
  if (options.listener)
    options.listener->on_log("resuming from node " + latest->tag + " (op " + std::to_string(latest->op_index + 1) +
                             " of " + std::to_string(recipe.ops.size()) + " done)");
  return static_cast<size_t>(latest->op_index) + 1;
}

// The recipe a run started with: its stored text re-parsed with its resolved vars (not the
// file on disk now: continuing a run must continue the same run).
Recipe stored_recipe(const RunInfo& info) {
  std::map<std::string, std::string> vars;
  // Held in a variable: items() of a temporary would dangle inside the loop.
  const nlohmann::json stored_vars = info.config["recipe"].value("vars", nlohmann::json::object());
  for (const auto& [name, value] : stored_vars.items()) vars[name] = value.dump();
  std::ifstream in(info.dir / run_format::kRecipeCopyFile);
  std::stringstream text;
  text << in.rdbuf();
  return parse_recipe(text.str(), info.config["recipe"].value("path", "recipe.yaml"), vars);
}

// The recipe as config.json records it, without where it was read from.
nlohmann::json recipe_identity(const Recipe& recipe) {
  nlohmann::json j = recipe.to_json();
  j.erase("path");
  return j;
}

// The recipe a segment joining run `info` runs: the run's own (stored) recipe, which the
// one given must equal (same ops after --set), or it would not be part of the same run.
Recipe recipe_to_join(const RunInfo& info, const Recipe& given, const std::string& where) {
  if (info.summary.value("segments", nlohmann::json::object()).empty())
    throw Error(where + ": run " + info.id + " in " + info.dir.parent_path().string() +
                " was not made by acc plan (its summary has no segments); plan a new run with another --run-id");
  Recipe stored = stored_recipe(info);
  if (recipe_identity(stored) != recipe_identity(given))
    throw Error(where + ": recipe " + given.path + " (with its --set values) is not the one run " + info.id +
                " was started with (" + (info.dir / run_format::kRecipeCopyFile).string() +
                "); run the Makefile's own command, or plan a new run with acc plan");
  return stored;
}

// --debug-layer names a layer of a model the recipe builds; checked before anything is
// written (the debugger checks again against the model each train op actually uses).
void check_debug_layers(const Plan& plan, const RunOptions& options) {
  if (!options.debug) return;
  std::vector<ModelPtr> models = {plan.model};
  for (const auto& [tag, node] : plan.nodes) models.push_back(node.model);
  for (const auto& layer : options.debug->layers) {
    bool found = false;
    std::string valid;
    for (const auto& m : models) {
      if (!m) continue;
      found = found || m->taps().has(layer);
      if (valid.empty()) valid = m->taps().point_names();
    }
    if (!found)
      throw Error("--debug-layer '" + layer + "' is not an activation point of the recipe's model; valid layers: " +
                  (valid.empty() ? "(the recipe builds no model)" : valid));
  }
}

}  // namespace

RunResult run_recipe(const Recipe& recipe, const RunOptions& options) {
  Plan plan = plan_recipe(recipe, options.data_root);  // throws before anything is written
  check_debug_layers(plan, options);

  const std::string runs_root = options.runs_root.empty() ? default_runs_root() : options.runs_root;
  const std::string run_id = options.run_id.empty() ? make_run_id(recipe.name) : options.run_id;
  auto run = RunDir::create(runs_root, run_id, run_config(recipe, plan, options));
  write_file_atomic(run->path() / run_format::kRecipeCopyFile, recipe.text);
  if (options.listener) options.listener->on_run_created(run_id, run->path().string());

  RecipeContext ctx = make_context(*run, plan, options);
  ctx.cancel = options.cancel;
  torch::manual_seed(static_cast<uint64_t>(recipe.seed));
  run->mark_started();
  return execute_from(recipe, ctx, 0, recipe.ops.size());
}

RunResult resume_run(const std::string& run_id, const RunOptions& options) {
  const std::string runs_root = options.runs_root.empty() ? default_runs_root() : options.runs_root;
  const RunInfo info = read_run(runs_root, run_id);
  if (info.status() == run_format::kStatusCompleted)
    throw Error("run " + run_id + " already completed; nothing to resume");
  if (!info.summary.value("segments", nlohmann::json::object()).empty())
    throw Error("run " + run_id + " was made by acc plan; continue it by running its Makefile again (make -f FILE), "
                "which re-runs only the segments without a stamp");
  const Recipe recipe = stored_recipe(info);
  const Plan plan = plan_recipe(recipe, info.config.value("data_root", options.data_root));

  std::error_code ec;
  fs::remove(info.dir / run_format::kCancelFile, ec);  // a previous `acc cancel` is done with
  auto run = RunDir::reopen(info.dir);
  if (options.listener) options.listener->on_run_created(run_id, run->path().string());
  RecipeContext ctx = make_context(*run, plan, options);
  ctx.cancel = options.cancel;

  const size_t start = continue_after_latest_node(recipe, ctx, 0, recipe.ops.size(), options);
  return execute_from(recipe, ctx, start, recipe.ops.size());
}

RunResult run_segment(const Recipe& given, const std::string& segment_name, const RunOptions& options) {
  if (options.run_id.empty())
    throw Error("--segment " + segment_name + ": give --run-id (the RUN_ID of the Makefile acc plan wrote), so "
                "every segment joins the same run");
  check_run_id(options.run_id);
  const std::string runs_root = options.runs_root.empty() ? default_runs_root() : options.runs_root;
  const fs::path dir = fs::path(runs_root) / options.run_id;
  std::error_code ec;
  std::optional<RunInfo> info;
  if (fs::exists(dir / run_format::kConfigFile, ec)) info = read_run(runs_root, options.run_id);
  const Recipe recipe = info ? recipe_to_join(*info, given, "--segment " + segment_name) : given;
  const Plan plan = plan_recipe(recipe, info ? info->config.value("data_root", options.data_root) : options.data_root);
  const std::vector<Segment> segments = split_segments(recipe, plan.implicit_tags);
  const Segment& segment = find_segment(segments, segment_name);
  if (!info && segment.begin != 0)
    throw Error("--segment " + segment_name + ": run " + options.run_id + " does not exist in " + runs_root +
                " yet; run its first segment '" + segments.front().name + "' first (make does this)");
  std::vector<std::string> names;
  for (const auto& s : segments) names.push_back(s.name);

  std::unique_ptr<RunDir> run;
  if (info) {
    run = RunDir::join(dir);
  } else {
    run = RunDir::create(runs_root, options.run_id, run_config(recipe, plan, options));
    write_file_atomic(run->path() / run_format::kRecipeCopyFile, recipe.text);
  }
  const fs::path plan_dir = run->path() / run_format::kPlanDir;
  fs::create_directories(plan_dir);
  const fs::path stamp = plan_dir / (segment.name + ".done");
  FileLock lock(plan_dir / (segment.name + ".lock"), std::try_to_lock);
  if (!lock.held())
    throw Error("--segment " + segment.name + ": another process is running this segment of run " + options.run_id +
                "; wait for it (or stop it) before starting it again");
  RunResult result{run->id(), run->path().string(), "", ""};
  // Read under the segment lock: a process that just finished it has recorded so by now.
  const auto summary = RunSummary::from_json(read_json_file(run->path() / run_format::kSummaryFile));
  if (summary.segments.value(segment.name, nlohmann::json::object()).value("status", "") == run_format::kStatusCompleted) {
    write_file_atomic(stamp, utc_timestamp() + "\n");  // make may have lost it; the work is on disk
    result.status = run_format::kStatusCompleted;
    result.reason = "segment " + segment.name + " had already completed; nothing to do";
    return result;
  }
  if (options.listener) options.listener->on_run_created(run->id(), run->path().string());

  RecipeContext ctx = make_context(*run, plan, options);
  ctx.cancel = options.cancel;
  // A failed or cancelled earlier attempt continues after its last node, as --resume does.
  const size_t start = continue_after_latest_node(recipe, ctx, segment.begin, segment.end, options);
  if (!info) run->mark_started();
  run->begin_segment(segment.name, names);
  result = execute_from(recipe, ctx, start, segment.end);
  if (result.status == run_format::kStatusCompleted) write_file_atomic(stamp, utc_timestamp() + "\n");
  return result;
}

}  // namespace acc
