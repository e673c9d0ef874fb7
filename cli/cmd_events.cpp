// `acc events RUN_ID`: a run's events, one JSON line each exactly as stored, after seq
// --since; --type keeps a type prefix; --follow keeps reading as the run appends and
// stops after its terminal event (or on Ctrl-C). Resuming with --since <last seq seen>
// continues exactly where a previous reader stopped.
#include <iostream>
#include <memory>

#include "commands.h"
#include "run/event_tail.h"
#include "run/run_dir.h"
#include "run/run_format.h"
#include "run/run_listing.h"
#include "terminal.h"

namespace acc::cli {

namespace {

struct EventsOptions {
  std::string run_id;
  std::string runs_root;
  int64_t since = 0;
  bool follow = false;
  std::string type_prefix;
};

int run_events(const EventsOptions& o) {
  const std::string root = o.runs_root.empty() ? default_runs_root() : o.runs_root;
  require_runs_root(root);
  const RunInfo run = read_run(root, o.run_id);
  EventTail tail(run.dir / run_format::kEventsFile, o.since);
  auto print = [&](const TailedEvent& e) {
    if (!event_type_matches(e.event, o.type_prefix)) return;
    std::cout << e.line << "\n";
    // A follower is usually piped into another program that should see events live.
    if (o.follow) std::cout << std::flush;
  };
  if (!o.follow) {
    for (const auto& e : tail.poll()) print(e);
    return 0;
  }
  // Stopping a follow with Ctrl-C is the normal way to end it, not a failure: exit 0.
  follow_events(tail, print, &install_cancel_handler());
  return 0;
}

}  // namespace

Command setup_events(CLI::App& app) {
  auto opts = std::make_shared<EventsOptions>();
  CLI::App* cmd = app.add_subcommand("events", "print a run's events (JSON lines); --follow to stream them live");
  cmd->add_option("run_id", opts->run_id, "run id (see `acc ls`)")->required();
  cmd->add_option("--runs", opts->runs_root, "runs root directory (default: $ACC_RUNS or ./runs)");
  cmd->add_option("--since", opts->since, "print only events with seq greater than this (the last seq you saw)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("-f,--follow", opts->follow, "keep printing new events until the run ends (or Ctrl-C)");
  cmd->add_option("--type", opts->type_prefix, "print only events whose type starts with this (e.g. train.)");
  return {cmd, [opts] { return run_events(*opts); }};
}

}  // namespace acc::cli
