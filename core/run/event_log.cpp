// Buffered, thread-safe, multi-process events.jsonl writer; see event_log.h.
#include "run/event_log.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <fstream>
#include <iterator>

#include "error.h"
#include "util/json_io.h"

namespace acc {

namespace {

// Holds flock(LOCK_EX) on an open descriptor: every writer of the log appends under it.
class FdLock {
 public:
  explicit FdLock(int fd) : fd_(fd) {
    while (::flock(fd_, LOCK_EX) != 0 && errno == EINTR) {
    }
  }
  ~FdLock() { ::flock(fd_, LOCK_UN); }
  FdLock(const FdLock&) = delete;
  FdLock& operator=(const FdLock&) = delete;

 private:
  int fd_;
};

bool read_at(int fd, std::string& buf, int64_t offset) {
  size_t done = 0;
  while (done < buf.size()) {
    const ssize_t n = ::pread(fd, buf.data() + done, buf.size() - done, static_cast<off_t>(offset + done));
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

struct Tail {
  bool read = false;  // false: the file could not be read (then nothing is cut)
  int64_t end = 0;    // offset just past the last '\n' (where a clean file ends)
  std::string last_line;
};

// The last complete line of the first `size` bytes, reading backwards from the end in
// growing chunks, so a long log costs one small read.
Tail read_tail(int fd, int64_t size) {
  for (int64_t chunk = 4096;; chunk *= 4) {
    const int64_t start = std::max<int64_t>(0, size - chunk);
    std::string buf(static_cast<size_t>(size - start), '\0');
    if (!read_at(fd, buf, start)) return {};
    const auto last_nl = buf.rfind('\n');
    if (last_nl == std::string::npos) {
      if (start == 0) return {true, 0, ""};  // no complete line at all
      continue;
    }
    const auto prev_nl = last_nl == 0 ? std::string::npos : buf.rfind('\n', last_nl - 1);
    if (prev_nl == std::string::npos && start > 0) continue;  // the line may begin further back
    const size_t begin = prev_nl == std::string::npos ? 0 : prev_nl + 1;
    return {true, start + static_cast<int64_t>(last_nl) + 1, buf.substr(begin, last_nl - begin)};
  }
}

}  // namespace

EventLog::EventLog(std::filesystem::path path, double heartbeat_seconds, std::function<void()> after_write)
    : path_(std::move(path)), heartbeat_seconds_(heartbeat_seconds), after_write_(std::move(after_write)) {
  // Read access too: a writer reads the tail to continue the numbering.
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_APPEND, 0644);
  if (fd_ < 0) throw Error(path_.string() + ": cannot open the event log for writing; check the run directory's permissions",
                           ExitCode::kFailure);
  {
    FdLock lock(fd_);
    sync_with_file_locked();
  }
  thread_ = std::thread([this] { background_loop(); });
}

EventLog::~EventLog() { close(); }

void EventLog::emit(const std::string& type, nlohmann::json payload) {
  std::lock_guard<std::mutex> lock(mutex_);
  pending_.push_back({utc_timestamp(), type, std::move(payload)});
}

void EventLog::sync_with_file_locked() {
  struct stat st {};
  if (::fstat(fd_, &st) != 0) return;
  if (st.st_size == known_size_) return;  // nobody else wrote since our last write
  const Tail tail = read_tail(fd_, st.st_size);
  if (!tail.read) {
    known_size_ = -1;  // try again at the next write; seq continues from what we knew
    return;
  }
  // A writer killed mid-line leaves a partial last line; cut it so appends start clean.
  // Safe under the lock: live writers only ever leave whole lines behind.
  if (tail.end < st.st_size && ::ftruncate(fd_, static_cast<off_t>(tail.end)) != 0) return;
  int64_t seq = 0;
  if (!tail.last_line.empty()) {
    try {
      seq = nlohmann::json::parse(tail.last_line).value("seq", int64_t{0});
    } catch (const nlohmann::json::exception&) {
      // A damaged last line: fall back to the last readable event.
      const auto events = read_events(path_);
      for (auto it = events.rbegin(); it != events.rend() && seq == 0; ++it)
        if (it->is_object() && it->contains("seq") && (*it)["seq"].is_number_integer()) seq = (*it)["seq"];
    }
  }
  last_seq_ = seq;
  known_size_ = tail.end;
}

bool EventLog::write_pending() {
  std::lock_guard<std::mutex> writing(write_mutex_);
  std::vector<Pending> batch;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    batch.swap(pending_);
  }
  if (batch.empty() || fd_ < 0) return false;

  FdLock lock(fd_);
  sync_with_file_locked();
  std::string text;
  std::vector<size_t> line_ends;
  int64_t seq = last_seq_;
  for (const auto& e : batch) {
    // Serialised on the writer thread, so it must not throw: invalid UTF-8 (a path, say)
    // becomes U+FFFD rather than ending the process.
    text += nlohmann::json({{"seq", ++seq}, {"time", e.time}, {"type", e.type}, {"payload", e.payload}})
                .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    text += '\n';
    line_ends.push_back(text.size());
  }
  size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd_, text.data() + written, text.size() - written);
    if (n <= 0) break;  // disk full: keep the rest for the next write; the summary still records the end
    written += static_cast<size_t>(n);
  }
  size_t whole = 0;
  while (whole < line_ends.size() && line_ends[whole] <= written) ++whole;
  last_seq_ += static_cast<int64_t>(whole);
  if (written == text.size()) {
    known_size_ += static_cast<int64_t>(written);
  } else {
    known_size_ = -1;  // the next write re-reads the file (and cuts the partial line)
    std::lock_guard<std::mutex> guard(mutex_);
    pending_.insert(pending_.begin(), std::make_move_iterator(batch.begin() + static_cast<std::ptrdiff_t>(whole)),
                    std::make_move_iterator(batch.end()));
  }
  return whole > 0;
}

// Also runs after_write (the viewer mirror) on the calling thread, so events a reader must
// see at once — the debugger's pause — reach the viewer now, not at the next heartbeat.
void EventLog::flush() {
  if (write_pending() && after_write_) after_write_();
}

void EventLog::background_loop() {
  using clock = std::chrono::steady_clock;
  auto last_heartbeat = clock::now();
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait_for(lock, std::chrono::seconds(1), [this] { return closing_; });
      if (closing_) return;
      if (heartbeat_seconds_ > 0 &&
          std::chrono::duration<double>(clock::now() - last_heartbeat).count() >= heartbeat_seconds_) {
        last_heartbeat = clock::now();
        pending_.push_back({utc_timestamp(), "heartbeat", nlohmann::json::object()});
      }
    }
    if (write_pending() && after_write_) after_write_();
  }
}

void EventLog::close() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closing_) return;
    closing_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  write_pending();
  {
    std::lock_guard<std::mutex> writing(write_mutex_);
    ::fsync(fd_);
    ::close(fd_);
    fd_ = -1;
  }
  if (after_write_) after_write_();
}

std::vector<nlohmann::json> read_events(const std::filesystem::path& path) {
  std::vector<nlohmann::json> events;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    try {
      events.push_back(nlohmann::json::parse(line));
    } catch (const nlohmann::json::parse_error&) {
      // A partial last line from a killed writer: everything before it is intact.
    }
  }
  return events;
}

}  // namespace acc
