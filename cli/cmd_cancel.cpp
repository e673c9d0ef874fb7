// `acc cancel RUN`: ask a live run to stop after its current step (it saves its state).
#include <iostream>
#include <memory>

#include "commands.h"
#include "run/cancel_request.h"
#include "run/run_dir.h"

namespace acc::cli {

namespace {

struct CancelOptions {
  std::string run_id, runs;
};

}  // namespace

Command setup_cancel(CLI::App& app) {
  auto o = std::make_shared<CancelOptions>();
  CLI::App* cmd = app.add_subcommand("cancel", "ask a live run to stop after its current step (it saves its state)");
  cmd->add_option("run_id", o->run_id, "the run to cancel")->required();
  cmd->add_option("--runs", o->runs, "runs root (default: $ACC_RUNS or ./runs)");
  return {cmd, [o] {
            request_cancel(o->runs.empty() ? default_runs_root() : o->runs, o->run_id);
            std::cout << "cancel requested for " << o->run_id << "\n";
            return 0;
          }};
}

}  // namespace acc::cli
