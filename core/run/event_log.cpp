// Buffered, thread-safe events.jsonl writer; see event_log.h.
#include "run/event_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <fstream>

#include "error.h"
#include "util/json_io.h"

namespace acc {

namespace {
// A writer killed mid-line leaves a partial last line; cut it so appends start clean.
void truncate_partial_line(const std::filesystem::path& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec || size == 0) return;
  std::ifstream in(path, std::ios::binary);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (content.back() == '\n') return;
  const auto last_newline = content.rfind('\n');
  std::filesystem::resize_file(path, last_newline == std::string::npos ? 0 : last_newline + 1);
}
}  // namespace

EventLog::EventLog(std::filesystem::path path, double heartbeat_seconds, std::function<void()> after_write)
    : path_(std::move(path)), heartbeat_seconds_(heartbeat_seconds), after_write_(std::move(after_write)) {
  const auto existing = read_events(path_);
  if (!existing.empty()) seq_ = existing.back().value("seq", int64_t{0});
  truncate_partial_line(path_);
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd_ < 0) throw Error(path_.string() + ": cannot open the event log for writing", ExitCode::kFailure);
  thread_ = std::thread([this] { background_loop(); });
}

EventLog::~EventLog() { close(); }

int64_t EventLog::emit(const std::string& type, nlohmann::json payload) {
  std::lock_guard<std::mutex> lock(mutex_);
  const int64_t seq = ++seq_;
  nlohmann::json event = {{"seq", seq}, {"time", utc_timestamp()}, {"type", type},
                          {"payload", std::move(payload)}};
  pending_ += event.dump() + "\n";
  return seq;
}

bool EventLog::write_pending_locked() {
  size_t written = 0;
  while (written < pending_.size()) {
    const ssize_t n = ::write(fd_, pending_.data() + written, pending_.size() - written);
    if (n <= 0) break;  // disk full: keep what we have; the run's summary still records the end
    written += static_cast<size_t>(n);
  }
  pending_.erase(0, written);
  return written > 0;
}

void EventLog::flush() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (fd_ >= 0) write_pending_locked();
}

void EventLog::background_loop() {
  using clock = std::chrono::steady_clock;
  auto last_heartbeat = clock::now();
  std::unique_lock<std::mutex> lock(mutex_);
  while (!closing_) {
    wake_.wait_for(lock, std::chrono::seconds(1));
    if (closing_) break;
    if (heartbeat_seconds_ > 0 &&
        std::chrono::duration<double>(clock::now() - last_heartbeat).count() >= heartbeat_seconds_) {
      last_heartbeat = clock::now();
      const int64_t seq = ++seq_;
      pending_ += nlohmann::json({{"seq", seq}, {"time", utc_timestamp()}, {"type", "heartbeat"},
                                  {"payload", nlohmann::json::object()}})
                      .dump() +
                  "\n";
    }
    if (write_pending_locked() && after_write_) {
      lock.unlock();
      after_write_();
      lock.lock();
    }
  }
}

void EventLog::close() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (fd_ < 0) return;
    closing_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    write_pending_locked();
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
