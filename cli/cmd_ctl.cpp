// `acc ctl RUN_ID CMD [ARGS]`: one request to a live run's debugger over its control channel
// (docs/debugger.md). Arguments are checked here, before anything is sent, so a typo gets
// an answer naming the fix rather than a round trip; the run's reply is printed as JSON on
// stdout so scripts can pipe it to jq.
#include <algorithm>
#include <charconv>
#include <iostream>
#include <memory>
#include <optional>

#include "commands.h"
#include "debug/control_channel.h"
#include "error.h"
#include "run/run_dir.h"
#include "run/run_index.h"

namespace acc::cli {

namespace {

struct CtlOptions {
  std::string run_id;
  std::string command;
  std::vector<std::string> args;
  std::string runs;
  double timeout = 10.0;
};

using Args = std::vector<std::string>;

// A whole decimal integer or nothing (std::stoll would accept "3x" as 3).
std::optional<int64_t> parse_int(const std::string& text) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return value;
}

void expect_no_args(const std::string& cmd, const Args& args) {
  if (!args.empty()) throw Error("acc ctl " + cmd + " takes no arguments (got '" + args.front() + "')");
}

nlohmann::json no_args(const std::string& cmd, const Args& args) {
  expect_no_args(cmd, args);
  return nlohmann::json::object();
}

nlohmann::json step_args(const std::string&, const Args& args) {
  if (args.size() > 1) throw Error("acc ctl step takes one count N (steps to advance), got " + std::to_string(args.size()));
  if (args.empty()) return {{"n", 1}};
  const auto n = parse_int(args[0]);
  if (!n || *n <= 0) throw Error("acc ctl step N: N must be a positive integer (steps to advance), got '" + args[0] + "'");
  return {{"n", *n}};
}

// "3,17,42", "3 17 42" (several args) and mixtures all name the same features.
nlohmann::json feature_args(const std::string& cmd, const Args& args) {
  nlohmann::json features = nlohmann::json::array();
  for (const auto& arg : args) {
    size_t start = 0;
    while (start <= arg.size()) {
      const size_t comma = std::min(arg.find(',', start), arg.size());
      const std::string item = arg.substr(start, comma - start);
      start = comma + 1;
      if (item.empty()) continue;
      const auto id = parse_int(item);
      if (!id || *id < 0)
        throw Error("acc ctl " + cmd + ": feature ids are non-negative integers like 3,17,42; got '" + item + "'");
      features.push_back(*id);
    }
  }
  if (features.empty())
    throw Error("acc ctl " + cmd + " needs feature ids of the first debug layer, e.g. `acc ctl RUN_ID " + cmd + " 3,17,42`");
  return {{"features", features}};
}

nlohmann::json data_args(const std::string&, const Args& args) {
  if (args.size() != 1) throw Error("acc ctl data needs exactly one KEY; list the keys with `acc ctl RUN_ID keys`");
  return {{"key", args[0]}};
}

// The commands of docs/debugger.md's table, each with the check that turns its
// command-line arguments into the request's args.
struct CtlCommand {
  const char* name;
  nlohmann::json (*args)(const std::string& cmd, const Args& args);
};

constexpr CtlCommand kCommands[] = {
    {"state", no_args},       {"pause", no_args},      {"resume", no_args},      {"step", step_args},
    {"cancel", no_args},      {"watch", feature_args}, {"unwatch", feature_args}, {"keys", no_args},
    {"data", data_args},      {"trajectories", no_args},
};

std::string command_names() {
  std::string names;
  for (const auto& c : kCommands) names += (names.empty() ? "" : ", ") + std::string(c.name);
  return names;
}

int run_ctl(const CtlOptions& o) {
  const CtlCommand* command = nullptr;
  for (const auto& c : kCommands)
    if (o.command == c.name) command = &c;
  if (!command) throw Error("acc ctl: unknown command '" + o.command + "'; use one of " + command_names());
  const nlohmann::json args = command->args(o.command, o.args);
  if (o.timeout <= 0) throw Error("acc ctl --timeout must be positive (seconds)");
  check_run_id(o.run_id);
  const RunInfo run = read_run(o.runs.empty() ? default_runs_root() : o.runs, o.run_id);
  std::cout << send_control(run.dir, o.command, args, o.timeout).dump(2) << std::endl;
  return 0;
}

}  // namespace

Command setup_ctl(CLI::App& app) {
  auto o = std::make_shared<CtlOptions>();
  CLI::App* cmd = app.add_subcommand(
      "ctl", "control a live run's debugger: state, pause, resume, step [N], cancel, watch IDS, unwatch IDS, keys, "
             "data KEY, trajectories (prints the reply as JSON)");
  cmd->add_option("run_id", o->run_id, "the live run")->required();
  cmd->add_option("command", o->command, "one of " + command_names())->required();
  cmd->add_option("args", o->args, "the command's arguments: step N, watch/unwatch 3,17,42, data KEY");
  cmd->add_option("--runs", o->runs, "runs root (default: $ACC_RUNS or ./runs)");
  cmd->add_option("--timeout", o->timeout, "seconds to wait for the run's answer")->capture_default_str();
  return {cmd, [o] { return run_ctl(*o); }};
}

}  // namespace acc::cli
