// Incremental events.jsonl reader; see event_tail.h.
#include "run/event_tail.h"

#include <fstream>
#include <thread>

namespace acc {

namespace fs = std::filesystem;

EventTail::EventTail(fs::path path, int64_t since) : path_(std::move(path)), last_seq_(since) {}

std::vector<TailedEvent> EventTail::poll() {
  std::vector<TailedEvent> out;
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(path_, ec);
  if (ec) return out;
  if (size < offset_) {
    // The log is append-only, so a shorter file was replaced; read it again from the top
    // and let the seq filter drop what was already returned.
    offset_ = 0;
    partial_.clear();
  }
  if (size == offset_) return out;
  std::ifstream in(path_, std::ios::binary);
  if (!in) return out;
  in.seekg(static_cast<std::streamoff>(offset_));
  std::string data = std::move(partial_);
  partial_.clear();
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    data.append(buf, static_cast<size_t>(in.gcount()));
    offset_ += static_cast<std::uintmax_t>(in.gcount());
  }

  size_t start = 0;
  for (size_t nl = data.find('\n'); nl != std::string::npos; start = nl + 1, nl = data.find('\n', start)) {
    std::string line = data.substr(start, nl - start);
    if (line.empty()) continue;
    nlohmann::json event = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    // A complete line that is not an event (hand-edited, corrupted) is skipped like
    // read_events does, rather than ending a long-running follow.
    if (!event.is_object() || !event.contains("seq") || !event["seq"].is_number_integer()) continue;
    // A cancelled or failed run can be resumed (run.resumed follows its terminal event),
    // so the run has ended only while the last event read is terminal.
    ended_ = is_terminal_event(event);
    const int64_t seq = event["seq"].get<int64_t>();
    if (seq <= last_seq_) continue;
    last_seq_ = seq;
    out.push_back({std::move(event), std::move(line)});
  }
  partial_ = data.substr(start);
  return out;
}

bool is_terminal_event(const nlohmann::json& event) {
  if (!event.contains("type") || !event["type"].is_string()) return false;
  const auto& type = event["type"].get_ref<const std::string&>();
  return type == "run.completed" || type == "run.cancelled" || type == "run.failed";
}

bool event_type_matches(const nlohmann::json& event, std::string_view prefix) {
  if (!event.contains("type") || !event["type"].is_string()) return prefix.empty();
  const auto& type = event["type"].get_ref<const std::string&>();
  return type.compare(0, prefix.size(), prefix) == 0;
}

bool follow_events(EventTail& tail, const std::function<void(const TailedEvent&)>& on_event,
                   const std::atomic<bool>* stop, std::chrono::milliseconds interval) {
  while (true) {
    for (const auto& e : tail.poll()) on_event(e);
    if (tail.ended()) return true;
    if (stop && stop->load()) return false;
    std::this_thread::sleep_for(interval);
  }
}

}  // namespace acc
