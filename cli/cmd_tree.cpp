// `acc tree [RUN_ID]`: a run's checkpoint tree (tag, short id, step, headline metrics, the
// current node marked), or every run's tree under the root; --json for the structure.
#include <iostream>
#include <memory>

#include "commands.h"
#include "run/run_dir.h"
#include "run/run_listing.h"
#include "run/tree.h"

namespace acc::cli {

namespace {

struct TreeOptions {
  std::string run_id;
  std::string runs_root;
  bool json = false;
};

int run_tree(const TreeOptions& o) {
  const std::string root = o.runs_root.empty() ? default_runs_root() : o.runs_root;
  require_runs_root(root);
  if (!o.run_id.empty()) {
    const RunTree tree = load_run_tree(read_run(root, o.run_id));
    std::cout << (o.json ? run_tree_to_json(tree).dump(2) + "\n" : render_run_tree(tree));
    return 0;
  }
  const auto runs = list_runs(root);
  nlohmann::json all = nlohmann::json::array();
  if (runs.empty() && !o.json) std::cout << "no runs under " << root << "\n";
  for (size_t i = 0; i < runs.size(); ++i) {
    const RunTree tree = load_run_tree(runs[i]);
    if (o.json) {
      all.push_back(run_tree_to_json(tree));
      continue;
    }
    const RunRow row = run_row(runs[i]);
    std::cout << (i ? "\n" : "") << runs[i].id << "  (" << row.status << ", recipe "
              << (row.recipe.empty() ? "?" : row.recipe) << ")\n"
              << render_run_tree(tree);
  }
  if (o.json) std::cout << all.dump(2) << "\n";
  return 0;
}

}  // namespace

Command setup_tree(CLI::App& app) {
  auto opts = std::make_shared<TreeOptions>();
  CLI::App* cmd = app.add_subcommand("tree", "show a run's checkpoint tree (every run's when RUN_ID is omitted)");
  cmd->add_option("run_id", opts->run_id, "run id (see `acc ls`)");
  cmd->add_option("--runs", opts->runs_root, "runs root directory (default: $ACC_RUNS or ./runs)");
  cmd->add_flag("--json", opts->json, "print {run_id, current, nodes: [{id, tag, parent, step, created, metrics, children}]}");
  return {cmd, [opts] { return run_tree(*opts); }};
}

}  // namespace acc::cli
