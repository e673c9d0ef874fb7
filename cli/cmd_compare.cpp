// `acc compare NODE NODE...`: every evaluation metric side by side with differences from the
// first node, and mean ± 95% interval for nodes that differ only by seed.
#include <iostream>
#include <memory>

#include "commands.h"
#include "eval/compare.h"
#include "run/run_dir.h"
#include "util/json_io.h"

namespace acc::cli {

namespace {

struct CompareOptions {
  std::vector<std::string> nodes;
  std::string runs, json_out;
  bool json = false;
};

}  // namespace

Command setup_compare(CLI::App& app) {
  auto o = std::make_shared<CompareOptions>();
  CLI::App* cmd = app.add_subcommand("compare", "compare the evaluation metrics of two or more nodes (seed groups: mean, std, 95% CI)");
  cmd->add_option("nodes", o->nodes, "RUN_ID/TAG or node id prefixes")->required()->expected(2, -1);
  cmd->add_option("--runs", o->runs, "runs root (default: $ACC_RUNS or ./runs)");
  cmd->add_flag("--json", o->json, "print the comparison as JSON instead of a table");
  cmd->add_option("--json-out", o->json_out, "also write the comparison as JSON to this file");
  return {cmd, [o] {
            const Comparison c = compare_nodes(o->runs.empty() ? default_runs_root() : o->runs, o->nodes);
            if (!o->json_out.empty()) write_json_atomic(o->json_out, c.to_json());
            if (o->json) std::cout << c.to_json().dump(2) << "\n";
            else std::cout << c.table();
            return 0;
          }};
}

}  // namespace acc::cli
