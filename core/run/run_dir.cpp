// Run directory lifecycle; see run_dir.h and docs/run-format.md.
#include "run/run_dir.h"

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <random>

#include "error.h"
#include "run/run_format.h"
#include "util/json_io.h"
#include "web/web_mirror.h"

namespace acc {

namespace fs = std::filesystem;

namespace {
double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
}  // namespace

std::string make_run_id(const std::string& recipe_name) {
  std::string base;
  for (char c : recipe_name) base += (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-') ? c : '_';
  if (base.empty()) base = "run";
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
  std::mt19937 rng{std::random_device{}()};
  char suffix[8];
  std::snprintf(suffix, sizeof suffix, "%04x", static_cast<unsigned>(rng() & 0xffff));
  return base + "-" + stamp + "-" + suffix;
}

std::string default_runs_root() {
  const char* env = std::getenv("ACC_RUNS");
  return (env && *env) ? env : "runs";
}

void check_run_id(const std::string& id) {
  bool ok = !id.empty() && id[0] != '.' && id.size() <= 200;
  for (char c : id) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.');
  if (!ok)
    throw Error("--run-id '" + id + "': use letters, digits, '_', '-' and '.' only (not starting with '.')");
}

nlohmann::json RunSummary::to_json() const {
  return {{"format_version", run_format::kRunFormatVersion},
          {"status", status},
          {"reason", reason},
          {"created", created},
          {"started", started},
          {"ended", ended},
          {"duration_seconds", duration_seconds},
          {"current_phase", current_phase},
          {"phases_completed", phases_completed},
          {"checkpoints", checkpoints},
          {"current_node", current_node},
          {"final_metrics", final_metrics}};
}

RunSummary RunSummary::from_json(const nlohmann::json& j) {
  RunSummary s;
  s.status = j.value("status", "");
  s.reason = j.value("reason", "");
  s.created = j.value("created", "");
  s.started = j.value("started", "");
  s.ended = j.value("ended", "");
  s.duration_seconds = j.value("duration_seconds", 0.0);
  s.current_phase = j.value("current_phase", "");
  s.phases_completed = j.value("phases_completed", std::vector<std::string>{});
  s.checkpoints = j.value("checkpoints", std::vector<nlohmann::json>{});
  s.current_node = j.value("current_node", nlohmann::json());
  s.final_metrics = j.value("final_metrics", nlohmann::json::object());
  return s;
}

RunDir::RunDir(fs::path path, std::string id) : path_(std::move(path)), id_(std::move(id)) {}

RunDir::~RunDir() {
  if (events_) events_->close();
}

std::unique_ptr<RunDir> RunDir::create(const fs::path& runs_root, const std::string& run_id,
                                       const nlohmann::json& config) {
  check_run_id(run_id);
  std::error_code ec;
  fs::create_directories(runs_root, ec);
  if (ec) throw Error(runs_root.string() + ": cannot create the runs root (" + ec.message() + "); choose another with --runs or ACC_RUNS");
  const fs::path dir = runs_root / run_id;
  // create_directory is atomic: two processes racing for one id cannot both win.
  if (!fs::create_directory(dir, ec)) {
    if (ec) throw Error(dir.string() + ": cannot create the run directory (" + ec.message() + ")");
    throw Error(dir.string() + ": a run with this id already exists; choose another --run-id");
  }
  fs::create_directories(dir / run_format::kCheckpointsDir);
  std::unique_ptr<RunDir> run(new RunDir(dir, run_id));
  nlohmann::json full = config;
  full["format_version"] = run_format::kRunFormatVersion;
  full["run_id"] = run_id;
  write_json_atomic(dir / run_format::kConfigFile, full);
  run->summary_.status = run_format::kStatusCreated;
  run->summary_.created = utc_timestamp();
  run->write_summary();
  run->open_events();
  run->events_->emit("run.created", {{"run_id", run_id},
                                     {"format_version", run_format::kRunFormatVersion},
                                     {"recipe", config.value("recipe", nlohmann::json::object()).value("name", "")}});
  return run;
}

std::unique_ptr<RunDir> RunDir::reopen(const fs::path& dir) {
  std::unique_ptr<RunDir> run(new RunDir(dir, dir.filename().string()));
  run->summary_ = RunSummary::from_json(read_json_file(dir / run_format::kSummaryFile));
  run->open_events();
  // Time already spent is kept: the clock restarts where the previous attempt stopped.
  run->start_clock_ = now_seconds() - run->summary_.duration_seconds;
  const std::string previous = run->summary_.status;
  run->summary_.status = run_format::kStatusRunning;
  run->summary_.reason.clear();
  run->summary_.ended.clear();
  run->write_summary();
  run->events_->emit("run.resumed", {{"run_id", run->id_}, {"previous_status", previous}});
  return run;
}

void RunDir::open_events() {
  events_ = std::make_unique<EventLog>(path_ / run_format::kEventsFile, /*heartbeat_seconds=*/10.0, [this] {
    const std::string problem = refresh_viewer_mirror(path_);
    // Once per process: the viewer may lag, the run itself is fine.
    if (!problem.empty() && !mirror_error_reported_.exchange(true)) events_->emit("log", {{"message", problem}});
  });
}

fs::path RunDir::checkpoints_dir() const { return path_ / run_format::kCheckpointsDir; }

void RunDir::write_summary() {
  if (!summary_.status.empty() && summary_.status == run_format::kStatusRunning)
    summary_.duration_seconds = now_seconds() - start_clock_;
  write_json_atomic(path_ / run_format::kSummaryFile, summary_.to_json());
}

void RunDir::mark_started() {
  start_clock_ = now_seconds();
  summary_.status = run_format::kStatusRunning;
  summary_.started = utc_timestamp();
  write_summary();
  events_->emit("run.started", {{"run_id", id_}});
}

void RunDir::begin_phase(const std::string& name) {
  if (!summary_.current_phase.empty()) summary_.phases_completed.push_back(summary_.current_phase);
  summary_.current_phase = name;
  events_->emit("phase.started", {{"phase", name}, {"index", summary_.phases_completed.size()}});
  write_summary();
}

void RunDir::record_checkpoint(const nlohmann::json& node) {
  summary_.checkpoints.push_back(node);
  summary_.current_node = {{"id", node["id"]}, {"tag", node["tag"]}};
  write_summary();
}

void RunDir::set_current_node(const std::string& id, const std::string& tag) {
  summary_.current_node = {{"id", id}, {"tag", tag}};
  write_summary();
}

void RunDir::record_metrics(const std::string& node_tag, const nlohmann::json& metrics) {
  summary_.final_metrics[node_tag] = metrics;
  write_summary();
}

void RunDir::finish(const std::string& status, const std::string& event, const std::string& reason) {
  summary_.duration_seconds = now_seconds() - start_clock_;
  if (status == run_format::kStatusCompleted && !summary_.current_phase.empty()) {
    summary_.phases_completed.push_back(summary_.current_phase);
    summary_.current_phase.clear();
  }
  summary_.status = status;
  summary_.reason = reason;
  summary_.ended = utc_timestamp();
  nlohmann::json payload = {{"run_id", id_}, {"duration_seconds", summary_.duration_seconds}};
  if (!reason.empty()) payload["reason"] = reason;
  events_->emit(event, payload);
  events_->close();
  // The summary is written after the final event is on disk: a reader that sees a
  // terminal status in summary.json finds the matching event in events.jsonl.
  write_json_atomic(path_ / run_format::kSummaryFile, summary_.to_json());
  refresh_viewer_mirror(path_, /*index_refresh_seconds=*/0);
}

void RunDir::finish_completed() { finish(std::string(run_format::kStatusCompleted), "run.completed", ""); }
void RunDir::finish_cancelled(const std::string& reason) { finish(std::string(run_format::kStatusCancelled), "run.cancelled", reason); }
void RunDir::finish_failed(const std::string& reason) { finish(std::string(run_format::kStatusFailed), "run.failed", reason); }

}  // namespace acc

