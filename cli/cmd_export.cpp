// `acc export NODE --out DIR`: the node's evaluation set in latent space as NumPy .npy files
// (latent means, index, labels, factors, projected coordinates) plus manifest.json.
#include <iostream>
#include <memory>

#include "commands.h"
#include "torch_commands.h"
#include "eval/export.h"
#include "run/run_dir.h"
#include "runtime.h"
#include "terminal.h"

namespace acc::cli {

namespace {

struct ExportOptions {
  std::string node, out, dataset, split = "test", runs;
  RuntimeOptions runtime;
};

}  // namespace

Command setup_export(CLI::App& app) {
  auto o = std::make_shared<ExportOptions>();
  CLI::App* cmd = app.add_subcommand("export", std::string(torch_command_summary("export")));
  cmd->add_option("node", o->node, "RUN_ID/TAG or a node id prefix")->required();
  cmd->add_option("--out", o->out, "new (or empty) directory to write into")->required();
  cmd->add_option("--dataset", o->dataset, "dataset to encode (default: the node's reconstruction task's)");
  cmd->add_option("--split", o->split, "test, train or all")->capture_default_str();
  cmd->add_option("--runs", o->runs, "runs root (default: $ACC_RUNS or ./runs)");
  add_runtime_options(*cmd, o->runtime);
  return {cmd, [o] {
            ExportRequest request;
            request.address = o->node;
            request.out = o->out;
            request.dataset = o->dataset;
            request.split = o->split;
            const auto manifest = export_node(o->runs.empty() ? default_runs_root() : o->runs, request,
                                              configure_runtime(o->runtime));
            std::cout << "exported " << manifest["n"] << " points of " << manifest["dataset"].get<std::string>() << "/"
                      << manifest["split"].get<std::string>() << " to " << o->out << ":";
            for (const auto& [file, info] : manifest["files"].items()) std::cout << " " << file;
            std::cout << " manifest.json\n";
            return 0;
          }};
}

}  // namespace acc::cli
