// `acc ls`: one line per run under the runs root (id, status, recipe, start, duration,
// phase, checkpoint count), or the same fields as a JSON array with --json. A run whose
// process died without finishing shows as "stale" (see core/run/run_listing.h).
#include <iostream>
#include <memory>

#include "commands.h"
#include "run/run_dir.h"
#include "run/run_listing.h"

namespace acc::cli {

namespace {

struct LsOptions {
  std::string runs_root;
  bool json = false;
};

int run_ls(const LsOptions& o) {
  const std::string root = o.runs_root.empty() ? default_runs_root() : o.runs_root;
  const auto rows = list_run_rows(root);
  if (o.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& row : rows) out.push_back(row.to_json());
    std::cout << out.dump(2) << "\n";
  } else {
    std::cout << format_run_table(rows, root);
  }
  return 0;
}

}  // namespace

Command setup_ls(CLI::App& app) {
  auto opts = std::make_shared<LsOptions>();
  CLI::App* cmd = app.add_subcommand("ls", "list runs: status (stale = died without finishing), recipe, start, duration, phase, nodes");
  cmd->add_option("--runs", opts->runs_root, "runs root directory (default: $ACC_RUNS or ./runs)");
  cmd->add_flag("--json", opts->json, "print a JSON array of {id, status, summary_status, recipe, started, duration_seconds, current_phase, checkpoints}");
  return {cmd, [opts] { return run_ls(*opts); }};
}

}  // namespace acc::cli
