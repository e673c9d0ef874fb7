// The control channel between a live `acc run` and its controllers (`acc ctl` in another
// terminal or a script, `acc serve` for the viewer): files in the run directory, so it works
// wherever the run directory is reachable — no port, no socket path length limit, nothing
// left behind by a killed run.
//
//   <run>/debug/control/live.lock        flock held by the run for as long as it listens;
//                                        a client that can take it knows the run is not live
//   <run>/debug/control/inbox/<id>.json  a request {id, cmd, args}, written atomically
//   <run>/debug/control/outbox/<id>.json the reply {id, ok, result | error}, written atomically
//
// The run polls its inbox every kControlPollMs on a background thread and answers each
// request with its handler; the client waits for the reply (deleting both files) or gives
// up with an error after its timeout.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

namespace acc {

inline constexpr int kControlPollMs = 50;

std::filesystem::path control_dir(const std::filesystem::path& run_dir);

// True while a process listens on the run's control channel.
bool control_is_live(const std::filesystem::path& run_dir);

// The run side. The handler runs on the channel's thread; it returns the result or throws
// (acc::Error's message becomes the reply's error).
class ControlServer {
 public:
  using Handler = std::function<nlohmann::json(const std::string& cmd, const nlohmann::json& args)>;
  ControlServer(std::filesystem::path run_dir, Handler handler);
  ~ControlServer();  // stops listening; requests left unanswered get "the run has ended"
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Answers the requests waiting now (the thread calls this; tests may too).
  void poll();

 private:
  std::filesystem::path dir_;
  Handler handler_;
  struct Lock;
  std::unique_ptr<Lock> lock_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// The client side: sends {cmd, args} to the run at run_dir and returns the reply's result.
// acc::Error when the run is not live ("not live: <status>") or does not answer within
// timeout_seconds, or with the run's own error message.
nlohmann::json send_control(const std::filesystem::path& run_dir, const std::string& cmd,
                            const nlohmann::json& args = nlohmann::json::object(), double timeout_seconds = 10.0);

}  // namespace acc
