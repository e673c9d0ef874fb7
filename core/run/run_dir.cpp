// Run directory lifecycle; see run_dir.h and docs/run-format.md.
#include "run/run_dir.h"

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <random>

#include "error.h"
#include "run/run_format.h"
#include "util/file_lock.h"
#include "util/json_io.h"
#include "web/web_mirror.h"

namespace acc {

namespace fs = std::filesystem;

namespace {
double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

bool is_terminal(const std::string& status) {
  return status == run_format::kStatusCompleted || status == run_format::kStatusCancelled ||
         status == run_format::kStatusFailed;
}
}  // namespace

std::string planned_run_status(const nlohmann::json& segments) {
  auto any = [&](std::string_view status) {
    for (const auto& [name, segment] : segments.items())
      if (segment.value("status", kSegmentPending) == status) return true;
    return false;
  };
  // Terminal only once no process writes the run any more, so a terminal status (and its
  // run.* event) is the end of the log, as for a run made by one process.
  if (any(run_format::kStatusRunning)) return std::string(run_format::kStatusRunning);
  if (any(run_format::kStatusFailed)) return std::string(run_format::kStatusFailed);
  if (any(run_format::kStatusCancelled)) return std::string(run_format::kStatusCancelled);
  if (any(kSegmentPending)) return std::string(run_format::kStatusRunning);  // make starts it next
  return std::string(run_format::kStatusCompleted);
}

namespace {
// "segment a: <reason>" for the segments that ended in `status` (failed or cancelled).
std::string planned_run_reason(const nlohmann::json& segments, const std::string& status) {
  std::string out;
  for (const auto& [name, segment] : segments.items())
    if (segment.value("status", "") == status)
      out += (out.empty() ? "" : "; ") + ("segment " + name + ": " + segment.value("reason", status));
  return out;
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
  nlohmann::json j = {{"format_version", run_format::kRunFormatVersion},
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
  if (!segments.empty()) j["segments"] = segments;
  return j;
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
  s.segments = j.value("segments", nlohmann::json::object());
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
  run->update_summary([](RunSummary& summary) {
    summary.status = run_format::kStatusCreated;
    summary.created = utc_timestamp();
  });
  run->open_events();
  run->events_->emit("run.created", {{"run_id", run_id},
                                     {"format_version", run_format::kRunFormatVersion},
                                     {"recipe", config.value("recipe", nlohmann::json::object()).value("name", "")}});
  return run;
}

std::unique_ptr<RunDir> RunDir::reopen(const fs::path& dir) {
  auto run = join(dir);
  std::string previous;
  run->update_summary([&](RunSummary& summary) {
    // Time already spent is kept: the clock restarts where the previous attempt stopped.
    run->start_clock_ = now_seconds() - summary.duration_seconds;
    previous = summary.status;
    summary.status = run_format::kStatusRunning;
    summary.reason.clear();
    summary.ended.clear();
  });
  run->events_->emit("run.resumed", {{"run_id", run->id_}, {"previous_status", previous}});
  return run;
}

std::unique_ptr<RunDir> RunDir::join(const fs::path& dir) {
  std::unique_ptr<RunDir> run(new RunDir(dir, dir.filename().string()));
  run->summary_ = RunSummary::from_json(read_json_file(dir / run_format::kSummaryFile));
  run->start_clock_ = now_seconds();
  run->open_events();
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

RunSummary RunDir::load_summary() const {
  try {
    return RunSummary::from_json(read_json_file(path_ / run_format::kSummaryFile));
  } catch (const Error&) {
    return summary_;  // not written yet (create), or damaged: ours is the best there is
  }
}

void RunDir::store_summary(RunSummary summary) {
  if (summary.status == run_format::kStatusRunning) {
    // One writer measures its own time (a resumed run adds the earlier attempts'); several
    // writers share the wall-clock time since the run started.
    summary.duration_seconds = segment_.empty() ? now_seconds() - start_clock_ : seconds_since_utc(summary.started);
  }
  write_json_atomic(path_ / run_format::kSummaryFile, summary.to_json());
  summary_ = std::move(summary);
}

void RunDir::update_summary(const std::function<void(RunSummary&)>& change) {
  FileLock lock(path_ / run_format::kSummaryLockFile);
  RunSummary summary = load_summary();
  change(summary);
  store_summary(std::move(summary));
}

void RunDir::mark_started() {
  start_clock_ = now_seconds();
  update_summary([](RunSummary& summary) {
    summary.status = run_format::kStatusRunning;
    summary.started = utc_timestamp();
  });
  events_->emit("run.started", {{"run_id", id_}});
}

void RunDir::begin_segment(const std::string& name, const std::vector<std::string>& all) {
  segment_ = name;
  start_clock_ = now_seconds();
  bool resumed = false;
  update_summary([&](RunSummary& summary) {
    if (summary.segments.empty())
      for (const auto& n : all) summary.segments[n] = {{"status", kSegmentPending}};
    // A CANCEL the run has obeyed (it ended) is done with: this is a new attempt. One
    // requested while the run is still live (segments running, or pending in a queue) stays,
    // and this segment obeys it too.
    std::error_code ec;
    if (is_terminal(summary.status)) fs::remove(path_ / run_format::kCancelFile, ec);

    nlohmann::json& segment = summary.segments[name];
    resumed = segment.value("status", kSegmentPending) != kSegmentPending;
    segment_earlier_seconds_ = segment.value("duration_seconds", 0.0);
    segment = {{"status", run_format::kStatusRunning}, {"reason", ""}, {"started", utc_timestamp()},
               {"ended", ""}, {"duration_seconds", segment_earlier_seconds_}};
    const std::string previous = summary.status;
    summary.status = planned_run_status(summary.segments);
    if (is_terminal(previous) && summary.status == run_format::kStatusRunning) {
      summary.reason.clear();
      summary.ended.clear();
      events_->emit("run.resumed", {{"run_id", id_}, {"previous_status", previous}});
    }
  });
  nlohmann::json payload = {{"segment", name}};
  if (resumed) payload["resumed"] = true;
  events_->emit("segment.started", payload);
}

void RunDir::begin_phase(const std::string& name) {
  update_summary([&](RunSummary& summary) {
    if (!summary.current_phase.empty()) summary.phases_completed.push_back(summary.current_phase);
    summary.current_phase = name;
    events_->emit("phase.started", {{"phase", name}, {"index", summary.phases_completed.size()}});
  });
}

void RunDir::record_checkpoint(const nlohmann::json& node) {
  update_summary([&](RunSummary& summary) {
    summary.checkpoints.push_back(node);
    summary.current_node = {{"id", node["id"]}, {"tag", node["tag"]}};
  });
}

void RunDir::set_current_node(const std::string& id, const std::string& tag) {
  update_summary([&](RunSummary& summary) { summary.current_node = {{"id", id}, {"tag", tag}}; });
}

void RunDir::record_metrics(const std::string& node_tag, const nlohmann::json& metrics) {
  update_summary([&](RunSummary& summary) { summary.final_metrics[node_tag] = metrics; });
}

void RunDir::finish(const std::string& status, const std::string& reason) {
  if (!segment_.empty()) return finish_segment(status, reason);
  FileLock lock(path_ / run_format::kSummaryLockFile);
  RunSummary summary = load_summary();
  summary.duration_seconds = now_seconds() - start_clock_;
  if (status == run_format::kStatusCompleted && !summary.current_phase.empty()) {
    summary.phases_completed.push_back(summary.current_phase);
    summary.current_phase.clear();
  }
  summary.status = status;
  summary.reason = reason;
  summary.ended = utc_timestamp();
  nlohmann::json payload = {{"run_id", id_}, {"duration_seconds", summary.duration_seconds}};
  if (!reason.empty()) payload["reason"] = reason;
  events_->emit("run." + status, payload);
  events_->close();
  // The summary is written after the final event is on disk: a reader that sees a
  // terminal status in summary.json finds the matching event in events.jsonl.
  store_summary(std::move(summary));
  refresh_viewer_mirror(path_, /*index_refresh_seconds=*/0);
}

void RunDir::finish_segment(const std::string& status, const std::string& reason) {
  FileLock lock(path_ / run_format::kSummaryLockFile);
  RunSummary summary = load_summary();
  const double seconds = segment_earlier_seconds_ + now_seconds() - start_clock_;
  const std::string started = summary.segments.value(segment_, nlohmann::json::object()).value("started", "");
  summary.segments[segment_] = {{"status", status}, {"reason", reason}, {"started", started},
                                {"ended", utc_timestamp()}, {"duration_seconds", seconds}};
  nlohmann::json payload = {{"segment", segment_}, {"status", status}, {"duration_seconds", seconds}};
  if (!reason.empty()) payload["reason"] = reason;
  events_->emit("segment.ended", payload);

  const std::string previous = summary.status;
  summary.status = planned_run_status(summary.segments);
  if (summary.status != previous && is_terminal(summary.status)) {
    // This segment's end decides the run's: the run ends here, with its wall-clock time.
    summary.duration_seconds = seconds_since_utc(summary.started);
    summary.ended = utc_timestamp();
    summary.reason = summary.status == run_format::kStatusCompleted ? "" : planned_run_reason(summary.segments, summary.status);
    if (summary.status == run_format::kStatusCompleted && !summary.current_phase.empty()) {
      summary.phases_completed.push_back(summary.current_phase);
      summary.current_phase.clear();
    }
    nlohmann::json run_payload = {{"run_id", id_}, {"duration_seconds", summary.duration_seconds}};
    if (!summary.reason.empty()) run_payload["reason"] = summary.reason;
    events_->emit("run." + summary.status, run_payload);
  }
  events_->close();  // as in finish(): events on disk before the summary says so
  store_summary(std::move(summary));
  refresh_viewer_mirror(path_, /*index_refresh_seconds=*/0);
}

void RunDir::finish_completed() { finish(std::string(run_format::kStatusCompleted), ""); }
void RunDir::finish_cancelled(const std::string& reason) { finish(std::string(run_format::kStatusCancelled), reason); }
void RunDir::finish_failed(const std::string& reason) { finish(std::string(run_format::kStatusFailed), reason); }

}  // namespace acc

