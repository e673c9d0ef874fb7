// `acc run RECIPE`: plan (validate) the recipe, then run it into runs/<run_id>/ — all of
// it, or one segment of it (--segment, what acc plan's Makefile calls).
#include <iostream>
#include <map>
#include <memory>

#include "commands.h"
#include "torch_commands.h"
#include "viewer_url.h"
#include "error.h"
#include "progress.h"
#include "recipe/catalog.h"
#include "recipe/runner.h"
#include "run/run_dir.h"
#include "runtime.h"
#include "terminal.h"

namespace acc::cli {

namespace {

struct RunCommandOptions {
  std::string recipe;
  std::vector<std::string> sets;
  std::vector<std::string> recipe_dirs;
  std::string runs_root;
  std::string run_id;
  bool dry_run = false;
  std::string resume;
  std::string segment;
  bool quiet = false;
  int64_t pause_at = -1;
  std::vector<std::string> debug_layers;
  bool no_debug = false;
  RuntimeOptions runtime;
};

int run_run(const RunCommandOptions& o) {
  if (!o.resume.empty() && !o.recipe.empty())
    throw Error("--resume RUN_ID continues a run with its own stored recipe; do not also give a recipe");
  if (o.resume.empty() && o.recipe.empty()) throw Error("give a recipe (path or name), or --resume RUN_ID");
  if (!o.segment.empty() && (!o.resume.empty() || o.dry_run))
    throw Error("--segment runs one segment of a planned run; it does not combine with --resume or --dry-run "
                "(re-run the Makefile to continue, acc plan to see the segments)");
  std::map<std::string, std::string> overrides;
  for (const auto& s : o.sets) {
    auto [name, value] = parse_set_override(s);
    overrides[name] = value;
  }
  if (!o.run_id.empty()) check_run_id(o.run_id);
  if (o.no_debug && (o.pause_at >= 0 || !o.debug_layers.empty()))
    throw Error("--no-debug detaches the debugger; it does not combine with --pause-at or --debug-layer");
  if (o.pause_at == 0) throw Error("--pause-at STEP: STEP is a global step >= 1 (the state after that many updates)");

  if (o.dry_run) {
    const Recipe recipe = load_recipe(resolve_recipe(o.recipe, recipe_dirs(o.recipe_dirs)), overrides);
    std::cout << format_plan(recipe, plan_recipe(recipe)) << "dry run: recipe is valid; nothing was written\n";
    return 0;
  }

  RunOptions options;
  options.device = configure_runtime(o.runtime);
  options.runs_root = o.runs_root;
  options.run_id = o.run_id;
  const ProgressMode mode = o.quiet ? ProgressMode::kQuiet
                            : stderr_is_terminal() ? ProgressMode::kLive
                                                   : ProgressMode::kPlain;
  ProgressPrinter progress(std::cerr, mode);
  options.observers = {&progress};
  options.listener = &progress;
  options.cancel = &install_cancel_handler();
  if (!o.no_debug) options.debug = DebugOptions{o.pause_at, o.debug_layers};
  options.invocation = {{"recipe", o.recipe}, {"set", o.sets}, {"threads", o.runtime.threads},
                        {"device", o.runtime.device}};

  if (!o.segment.empty()) options.invocation["segment"] = o.segment;
  auto recipe = [&] { return load_recipe(resolve_recipe(o.recipe, recipe_dirs(o.recipe_dirs)), overrides); };
  const RunResult result = !o.resume.empty()   ? resume_run(o.resume, options)
                           : !o.segment.empty() ? run_segment(recipe(), o.segment, options)
                                                : run_recipe(recipe(), options);
  if (o.quiet) {
    std::cout << result.dir << "\n";
  } else {
    std::cout << (o.segment.empty() ? "run " : "segment " + o.segment + " ") << result.status << ": " << result.dir << "\n";
    if (!result.reason.empty()) std::cout << "  " << result.reason << "\n";
    std::cout << "  look at it: " << viewer_url_for_run(result.dir) << "\n";
  }
  return result.status == "cancelled" ? static_cast<int>(ExitCode::kCancelled) : 0;
}

}  // namespace

Command setup_run(CLI::App& app) {
  auto opts = std::make_shared<RunCommandOptions>();
  CLI::App* cmd = app.add_subcommand("run", std::string(torch_command_summary("run")));
  cmd->add_option("recipe", opts->recipe, "recipe path or name");
  cmd->add_option("--resume", opts->resume, "continue a cancelled, failed or killed run from its last completed op");
  cmd->add_option("--set", opts->sets, "override a recipe var: --set steps=50 (repeatable)");
  cmd->add_option("--recipes", opts->recipe_dirs, "extra directory to find recipes in (repeatable)");
  cmd->add_option("--runs", opts->runs_root, "runs root directory (default: $ACC_RUNS or ./runs)");
  cmd->add_option("--run-id", opts->run_id, "name of the run directory (default: <recipe>-<time>-<hex>)");
  cmd->add_flag("--dry-run", opts->dry_run, "validate the whole recipe and print the plan; write nothing");
  cmd->add_option("--segment", opts->segment,
                  "run only this segment of the recipe in run --run-id (the first creates the run, the others join "
                  "it; a completed one is skipped): how the Makefile of `acc plan` runs branches in parallel");
  cmd->add_flag("-q,--quiet", opts->quiet, "no progress output; print only the run directory");
  cmd->add_option("--pause-at", opts->pause_at,
                  "pause when a branch first reaches this global step, with its batch captured "
                  "(then: acc ctl RUN_ID step|resume; docs/debugger.md)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--debug-layer", opts->debug_layers,
                  "layer the debugger's feature tables, force views and cosine matrices describe (repeatable; "
                  "default: the gated layers, else the model's first activation point)");
  cmd->add_flag("--no-debug", opts->no_debug, "do not attach the step-wise debugger (acc ctl cannot reach the run)");
  add_runtime_options(*cmd, opts->runtime);
  return {cmd, [opts] { return run_run(*opts); }};
}

}  // namespace acc::cli
