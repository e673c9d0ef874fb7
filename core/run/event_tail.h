// EventTail: an incremental reader of a live events.jsonl, the file counterpart of a
// resumable event stream. It keeps its byte offset and reads only what was appended since
// the last poll, so following a long run costs nothing per poll. A line is returned only
// once its newline is on disk: the writer appends whole lines, but a reader can catch a
// write half-way, and a killed writer can leave a partial last line forever.
// `since` is the last seq a client has seen; polls return events with a larger seq, so a
// client that reconnects with the last seq it printed resumes exactly after it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace acc {

struct TailedEvent {
  nlohmann::json event;
  std::string line;  // exactly as stored, without the newline
};

class EventTail {
 public:
  // The file need not exist yet: polls return nothing until it does.
  explicit EventTail(std::filesystem::path path, int64_t since = 0);

  // The complete events appended since the previous poll with seq > since, in file order.
  std::vector<TailedEvent> poll();
  // True while the last event read is terminal (run.completed/cancelled/failed), counting
  // events at or before `since`: a follower resuming after the end must still stop, and
  // one following a cancelled run that `acc run --resume` continues must not.
  bool ended() const { return ended_; }
  int64_t last_seq() const { return last_seq_; }

 private:
  std::filesystem::path path_;
  int64_t last_seq_;
  std::uintmax_t offset_ = 0;
  std::string partial_;  // bytes after the last newline, waiting for the rest of their line
  bool ended_ = false;
};

bool is_terminal_event(const nlohmann::json& event);
// True when the event's type starts with `prefix` ("" matches every event).
bool event_type_matches(const nlohmann::json& event, std::string_view prefix);

// Polls `tail` every `interval`, handing each new event to `on_event`, until a terminal
// event has been read (returns true) or `*stop` becomes set (returns false).
bool follow_events(EventTail& tail, const std::function<void(const TailedEvent&)>& on_event,
                   const std::atomic<bool>* stop,
                   std::chrono::milliseconds interval = std::chrono::milliseconds(200));

}  // namespace acc
