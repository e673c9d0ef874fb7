// RunDir: one run's directory, runs/<run_id>/, with its config.json, events.jsonl,
// summary.json and checkpoints/. It owns the event log and the summary, and keeps the
// summary in step with the lifecycle (created -> running -> completed|cancelled|failed).
//
// Several processes may write one run (the segments of a plan, `make -j`): every summary
// change is a read-modify-write of summary.json under <run>/.summary.lock, so each
// process's checkpoints, metrics and phases are merged, never overwritten. A process
// running one segment (begin_segment) ends only its segment; the run's status follows
// from all segments' (planned_run_status).
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "run/event_log.h"

namespace acc {

// "<recipe>-YYYYmmdd-HHMMSS-<4 hex>"; safe as a directory name.
std::string make_run_id(const std::string& recipe_name);
// ACC_RUNS if set, else "./runs".
std::string default_runs_root();
// acc::Error unless `id` is a plain directory name ([A-Za-z0-9._-], not starting with '.').
void check_run_id(const std::string& id);

struct RunSummary {
  std::string status;  // run_format::kStatus*
  std::string reason;  // failure/cancel reason, empty otherwise
  std::string created, started, ended;
  double duration_seconds = 0;
  std::string current_phase;
  std::vector<std::string> phases_completed;
  std::vector<nlohmann::json> checkpoints;  // {id, tag, step}
  nlohmann::json current_node;              // {id, tag} of the node the recipe is on, or null
  nlohmann::json final_metrics = nlohmann::json::object();  // {node_tag: {task: {metric: v}}}
  // Planned runs only: {segment: {status, reason, started, ended, duration_seconds}};
  // empty (and not written) for a run made by one process.
  nlohmann::json segments = nlohmann::json::object();
  nlohmann::json to_json() const;
  static RunSummary from_json(const nlohmann::json& j);
};

// Segment status "pending": planned, not started yet.
inline constexpr const char* kSegmentPending = "pending";
// A planned run's status from its segments': running while any runs; then failed if any
// failed, else cancelled if any was cancelled, else running while any is pending (make
// starts it next), else completed. So the run ends when its last writer does.
std::string planned_run_status(const nlohmann::json& segments);

class RunDir {
 public:
  // Creates runs_root/run_id (refusing an existing one) with checkpoints/, config.json,
  // summary.json (status "created") and events.jsonl (run.created).
  static std::unique_ptr<RunDir> create(const std::filesystem::path& runs_root,
                                        const std::string& run_id, const nlohmann::json& config);
  // Reopens an existing run to continue it (resume): summary back to "running", a
  // run.resumed event appended to the same log (seq continues).
  static std::unique_ptr<RunDir> reopen(const std::filesystem::path& dir);
  // Opens an existing run as one more writer (a segment of a plan); emits nothing until
  // begin_segment.
  static std::unique_ptr<RunDir> join(const std::filesystem::path& dir);
  ~RunDir();

  const std::string& id() const { return id_; }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path checkpoints_dir() const;
  EventLog& events() { return *events_; }
  // The summary as this process last wrote it (other writers may have changed it since).
  const RunSummary& summary() const { return summary_; }

  void mark_started();
  // From here on this process runs segment `name` of a planned run whose segments are
  // `all` (listed as pending in the summary when the first segment starts). Marks it
  // running and emits segment.started; the finish_* calls then end the segment, and end the
  // run (run.* event, terminal status) only when planned_run_status says so.
  void begin_segment(const std::string& name, const std::vector<std::string>& all);
  void begin_phase(const std::string& name);
  void record_checkpoint(const nlohmann::json& node);  // {id, tag, step}; becomes current
  void set_current_node(const std::string& id, const std::string& tag);
  void record_metrics(const std::string& node_tag, const nlohmann::json& metrics);
  // Terminal states: write summary.json and the matching run.* event, close the log.
  void finish_completed();
  void finish_cancelled(const std::string& reason);
  void finish_failed(const std::string& reason);
  // Applies `change` to summary.json as it is on disk, under the summary lock, and writes
  // it atomically.
  void update_summary(const std::function<void(RunSummary&)>& change);

 private:
  RunDir(std::filesystem::path path, std::string id);
  void finish(const std::string& status, const std::string& reason);
  void finish_segment(const std::string& status, const std::string& reason);
  // Both under the summary lock: the file as on disk (ours if unreadable), and writing it.
  RunSummary load_summary() const;
  void store_summary(RunSummary summary);

  // Opens the event log with the viewer mirror (web/, index.js) refreshed after each write.
  void open_events();

  std::filesystem::path path_;
  std::string id_;
  std::atomic<bool> mirror_error_reported_{false};  // declared before events_: outlives its callbacks
  std::unique_ptr<EventLog> events_;
  RunSummary summary_;
  double start_clock_ = 0;
  std::string segment_;             // the segment this process runs; empty: the whole run
  double segment_earlier_seconds_ = 0;  // time its failed/cancelled earlier attempts took
};

}  // namespace acc
