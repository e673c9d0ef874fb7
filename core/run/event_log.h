// EventLog: the append-only events.jsonl of a run. One JSON object per line:
//   {"seq": N, "time": "<UTC ISO 8601>", "type": "<type>", "payload": {...}}
// seq increases by one per event. Writing must not slow training, so emit() only appends
// to an in-memory buffer; a background thread writes the buffer at least once a second
// (and emits a heartbeat every `heartbeat_seconds` so readers can tell a live run from a
// dead one); close() and the destructor write everything and fsync. `after_write`, when
// given, runs after each write that put lines on disk (on the background thread, without
// the log's lock, so emit() never waits for it) and once more at close(): the run uses it
// to keep the viewer mirror in step with the log.
#pragma once

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

namespace acc {

class EventLog {
 public:
  // Appends to `path`, continuing the seq numbering of an existing file (resume).
  explicit EventLog(std::filesystem::path path, double heartbeat_seconds = 10.0,
                    std::function<void()> after_write = {});
  ~EventLog();
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  // Thread-safe. Returns the event's seq.
  int64_t emit(const std::string& type, nlohmann::json payload = nlohmann::json::object());
  void flush();  // write the buffer now (no fsync)
  void close();  // flush, fsync, stop the background thread; idempotent
  int64_t last_seq() const { return seq_.load(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  bool write_pending_locked();  // true when anything was written
  void background_loop();

  std::filesystem::path path_;
  double heartbeat_seconds_;
  int fd_ = -1;
  std::atomic<int64_t> seq_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::string pending_;
  bool closing_ = false;
  std::function<void()> after_write_;
  std::thread thread_;
};

// Reads all complete events of a file (a trailing partial line from a killed writer is
// skipped). Used by tests, `acc events` and resume.
std::vector<nlohmann::json> read_events(const std::filesystem::path& path);

}  // namespace acc
