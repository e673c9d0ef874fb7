// EventLog: the append-only events.jsonl of a run. One JSON object per line:
//   {"seq": N, "time": "<UTC ISO 8601>", "type": "<type>", "payload": {...}}
// seq is the line number: 1, 2, 3, ... in file order, whatever the number of writers.
// Several processes may append to one log (make -j runs a planned sweep's segments as
// separate processes), so seq is assigned when lines are written, under an exclusive flock
// on the file: a writer that finds the file grew since its own last write reads the last
// line's seq and continues from it. `time` is when emit() was called.
// Writing must not slow training, so emit() only appends to an in-memory buffer; a
// background thread writes the buffer at least once a second (and emits a heartbeat every
// `heartbeat_seconds` so readers can tell a live run from a dead one); close() and the
// destructor write everything and fsync. `after_write`, when given, runs after each write
// that put lines on disk (on the background thread, without the log's lock, so emit() never
// waits for it) and once more at close(): the run uses it to keep the viewer mirror in step
// with the log.
#pragma once

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace acc {

class EventLog {
 public:
  // Appends to `path` (created if missing), continuing the seq numbering of what is there.
  explicit EventLog(std::filesystem::path path, double heartbeat_seconds = 10.0,
                    std::function<void()> after_write = {});
  ~EventLog();
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  // Thread-safe and non-blocking: the event gets its seq when it is written.
  void emit(const std::string& type, nlohmann::json payload = nlohmann::json::object());
  void flush();  // write the buffer now (no fsync)
  void close();  // flush, fsync, stop the background thread; idempotent
  // The seq of the last line in the file as this log last saw it (at open or at its own
  // last write); other writers may have added lines since.
  int64_t last_seq() const { return last_seq_.load(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  struct Pending {
    std::string time, type;
    nlohmann::json payload;
  };
  // Under the file lock: cuts a partial last line and reads the last seq, unless the file
  // is still as this log left it.
  void sync_with_file_locked();
  // Takes the buffer, then numbers and appends it under the file lock; true when anything
  // was written. Events a full disk refused go back to the front of the buffer.
  bool write_pending();
  void background_loop();

  std::filesystem::path path_;
  double heartbeat_seconds_;
  int fd_ = -1;
  std::atomic<int64_t> last_seq_{0};
  int64_t known_size_ = -1;  // file size after this log's last write; -1 = unknown
  std::mutex mutex_;        // guards pending_ and closing_ (emit() only ever waits for this)
  std::mutex write_mutex_;  // one write at a time; guards fd_ and known_size_
  std::condition_variable wake_;
  std::vector<Pending> pending_;
  bool closing_ = false;
  std::function<void()> after_write_;
  std::thread thread_;
};

// Reads all complete events of a file (a trailing partial line from a killed writer is
// skipped). Used by tests, `acc events` and resume.
std::vector<nlohmann::json> read_events(const std::filesystem::path& path);

}  // namespace acc
