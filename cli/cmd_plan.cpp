// `acc plan RECIPE`: validate the recipe like `acc run --dry-run`, cut it into segments and
// write a Makefile (and optionally a Slurm submit script) whose targets run them, so
// `make -j N` runs a sweep's branches in parallel processes on one run.
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>

#include "commands.h"
#include "torch_commands.h"
#include "data/registry.h"
#include "error.h"
#include "recipe/catalog.h"
#include "recipe/plan_files.h"
#include "recipe/runner.h"
#include "recipe/segments.h"
#include "run/run_dir.h"
#include "runtime.h"
#include "terminal.h"
#include "util/json_io.h"

namespace acc::cli {

namespace {

namespace fs = std::filesystem;

struct PlanCommandOptions {
  std::string recipe;
  std::vector<std::string> sets;
  std::vector<std::string> recipe_dirs;
  std::string runs_root;
  std::string run_id;
  std::string output;
  std::string acc;
  std::string slurm;
  int threads = kDefaultThreads;
};


int run_plan(const PlanCommandOptions& o) {
  std::map<std::string, std::string> overrides;
  for (const auto& s : o.sets) {
    auto [name, value] = parse_set_override(s);
    overrides[name] = value;
  }
  const std::string recipe_path = resolve_recipe(o.recipe, recipe_dirs(o.recipe_dirs));
  const Recipe recipe = load_recipe(recipe_path, overrides);
  PlanSettings settings;
  settings.data_root = fs::absolute(default_data_root()).lexically_normal().string();
  const Plan plan = plan_recipe(recipe, settings.data_root);  // validates every op, as acc run would
  const std::vector<Segment> segments = split_segments(recipe, plan.implicit_tags);

  settings.acc = o.acc.empty() ? user_facing_binary() : fs::absolute(o.acc).string();
  settings.recipe = fs::absolute(recipe_path).lexically_normal().string();
  settings.recipe_name = recipe.name;
  settings.sets = o.sets;
  settings.runs_root = fs::absolute(o.runs_root.empty() ? default_runs_root() : o.runs_root).lexically_normal().string();
  while (settings.runs_root.size() > 1 && settings.runs_root.back() == '/') settings.runs_root.pop_back();
  check_make_path(settings.runs_root, "--runs");
  // Fixed here, once: every target must join the same run.
  settings.run_id = o.run_id.empty() ? make_run_id(recipe.name) : o.run_id;
  check_run_id(settings.run_id);
  settings.workdir = fs::current_path().string();
  settings.makefile = fs::absolute(o.output.empty() ? settings.run_id + ".mk" : o.output).lexically_normal().string();
  settings.threads = o.threads;

  write_file_atomic(settings.makefile, plan_makefile(segments, recipe, settings));
  if (!o.slurm.empty()) write_file_atomic(o.slurm, plan_slurm_script(segments, settings));

  std::cout << "recipe " << recipe.name << ": " << segments.size() << " segment" << (segments.size() == 1 ? "" : "s")
            << " of run " << settings.run_id << " in " << settings.runs_root << "\n";
  for (const auto& line : describe_segments(segments, recipe)) std::cout << "  " << line << "\n";
  std::error_code ec;
  if (fs::exists(fs::path(settings.runs_root) / settings.run_id, ec))
    std::cout << "run " << settings.run_id << " exists: make continues it (completed segments are skipped)\n";
  std::cout << "wrote " << settings.makefile << "; run it with:\n  make -f " << settings.makefile << " -j2\n";
  if (!o.slurm.empty()) std::cout << "wrote " << o.slurm << "; on a Slurm cluster: sh " << o.slurm << "\n";
  return 0;
}

}  // namespace

Command setup_plan(CLI::App& app) {
  auto opts = std::make_shared<PlanCommandOptions>();
  CLI::App* cmd = app.add_subcommand("plan", std::string(torch_command_summary("plan")));
  cmd->add_option("recipe", opts->recipe, "recipe path or name")->required();
  cmd->add_option("--set", opts->sets, "override a recipe var: --set steps=50 (repeatable)");
  cmd->add_option("--recipes", opts->recipe_dirs, "extra directory to find recipes in (repeatable)");
  cmd->add_option("--runs", opts->runs_root, "runs root directory (default: $ACC_RUNS or ./runs)");
  cmd->add_option("--run-id", opts->run_id, "the run every target writes (default: <recipe>-<time>-<hex>, fixed now)");
  cmd->add_option("-o,--output", opts->output, "the Makefile to write (default: <run id>.mk)");
  cmd->add_option("--acc", opts->acc, "acc binary the targets call (default: this one)");
  cmd->add_option("--threads", opts->threads, "torch threads per acc process (THREADS in the Makefile; default 1)")
      ->check(CLI::Range(1, 256));
  cmd->add_option("--slurm", opts->slurm, "also write a shell script that submits every target as a Slurm job");
  return {cmd, [opts] { return run_plan(*opts); }};
}

}  // namespace acc::cli
