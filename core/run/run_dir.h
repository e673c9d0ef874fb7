// RunDir: one run's directory, runs/<run_id>/, with its config.json, events.jsonl,
// summary.json and checkpoints/. It owns the event log and the summary, and keeps the
// summary in step with the lifecycle (created -> running -> completed|cancelled|failed).
#pragma once

#include <atomic>
#include <filesystem>
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
  nlohmann::json to_json() const;
  static RunSummary from_json(const nlohmann::json& j);
};

class RunDir {
 public:
  // Creates runs_root/run_id (refusing an existing one) with checkpoints/, config.json,
  // summary.json (status "created") and events.jsonl (run.created).
  static std::unique_ptr<RunDir> create(const std::filesystem::path& runs_root,
                                        const std::string& run_id, const nlohmann::json& config);
  // Reopens an existing run to continue it (resume): summary back to "running", a
  // run.resumed event appended to the same log (seq continues).
  static std::unique_ptr<RunDir> reopen(const std::filesystem::path& dir);
  ~RunDir();

  const std::string& id() const { return id_; }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path checkpoints_dir() const;
  EventLog& events() { return *events_; }
  RunSummary& summary() { return summary_; }

  void mark_started();
  void begin_phase(const std::string& name);
  void record_checkpoint(const nlohmann::json& node);  // {id, tag, step}; becomes current
  void set_current_node(const std::string& id, const std::string& tag);
  void record_metrics(const std::string& node_tag, const nlohmann::json& metrics);
  // Terminal states: write summary.json and the matching run.* event, close the log.
  void finish_completed();
  void finish_cancelled(const std::string& reason);
  void finish_failed(const std::string& reason);
  void write_summary();

 private:
  RunDir(std::filesystem::path path, std::string id);
  void finish(const std::string& status, const std::string& event, const std::string& reason);

  // Opens the event log with the viewer mirror (web/, index.js) refreshed after each write.
  void open_events();

  std::filesystem::path path_;
  std::string id_;
  std::atomic<bool> mirror_error_reported_{false};  // declared before events_: outlives its callbacks
  std::unique_ptr<EventLog> events_;
  RunSummary summary_;
  double start_clock_ = 0;
};

}  // namespace acc
