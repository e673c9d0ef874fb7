// The file-based control channel; see control_channel.h.
#include "debug/control_channel.h"

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "error.h"
#include "util/file_lock.h"
#include "util/json_io.h"

namespace acc {

namespace fs = std::filesystem;

namespace {

constexpr const char* kLiveLock = "live.lock";
constexpr const char* kInbox = "inbox";
constexpr const char* kOutbox = "outbox";

std::string request_id() {
  static std::atomic<int64_t> counter{0};
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
         std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(now).count());
}

bool is_request_file(const fs::path& p) {
  const std::string name = p.filename().string();
  return p.extension() == ".json" && !name.empty() && name[0] != '.';
}

}  // namespace

fs::path control_dir(const fs::path& run_dir) { return run_dir / "debug" / "control"; }

bool control_is_live(const fs::path& run_dir) {
  const fs::path lock = control_dir(run_dir) / kLiveLock;
  std::error_code ec;
  if (!fs::exists(lock, ec)) return false;
  FileLock probe(lock, std::try_to_lock);
  return !probe.held();
}

struct ControlServer::Lock {
  explicit Lock(const fs::path& p) : lock(p, std::try_to_lock) {}
  FileLock lock;
};

ControlServer::ControlServer(fs::path run_dir, Handler handler)
    : dir_(control_dir(run_dir)), handler_(std::move(handler)) {
  fs::create_directories(dir_ / kInbox);
  fs::create_directories(dir_ / kOutbox);
  lock_ = std::make_unique<Lock>(dir_ / kLiveLock);
  if (!lock_->lock.held())
    throw Error("another process already controls " + run_dir.string() + " (" + (dir_ / kLiveLock).string() +
                " is locked); one run directory has one live writer at a time");
  thread_ = std::thread([this] {
    while (!stop_.load()) {
      poll();
      std::this_thread::sleep_for(std::chrono::milliseconds(kControlPollMs));
    }
  });
}

ControlServer::~ControlServer() {
  stop_.store(true);
  thread_.join();
  // Whatever arrived after the last poll is answered, so no client waits for its timeout.
  handler_ = [](const std::string&, const nlohmann::json&) -> nlohmann::json {
    throw Error("the run has ended; nothing to control");
  };
  poll();
  lock_.reset();
}

void ControlServer::poll() {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir_ / kInbox, ec)) {
    if (!is_request_file(entry.path())) continue;
    nlohmann::json request;
    try {
      request = read_json_file(entry.path());
    } catch (const std::exception&) {
      continue;  // a client's temporary file not yet renamed, or junk: ignore
    }
    fs::remove(entry.path(), ec);
    const std::string id = request.value("id", entry.path().stem().string());
    nlohmann::json reply = {{"id", id}};
    try {
      reply["result"] = handler_(request.value("cmd", ""), request.value("args", nlohmann::json::object()));
      reply["ok"] = true;
    } catch (const std::exception& e) {
      reply["ok"] = false;
      reply["error"] = e.what();
    }
    try {
      write_json_atomic(dir_ / kOutbox / (id + ".json"), reply);
    } catch (const std::exception&) {
      // the run directory went away: nobody is waiting for this reply
    }
  }
}

nlohmann::json send_control(const fs::path& run_dir, const std::string& cmd, const nlohmann::json& args,
                            double timeout_seconds) {
  const fs::path dir = control_dir(run_dir);
  if (!control_is_live(run_dir))
    throw Error("run " + run_dir.filename().string() +
                " is not live: no acc run is listening on it (it has ended, was killed, or was started with "
                "--no-debug)");
  const std::string id = request_id();
  const fs::path request = dir / kInbox / (id + ".json");
  const fs::path reply_path = dir / kOutbox / (id + ".json");
  write_json_atomic(request, {{"id", id}, {"cmd", cmd}, {"args", args}});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_seconds);
  std::error_code ec;
  while (std::chrono::steady_clock::now() < deadline) {
    if (fs::exists(reply_path, ec)) {
      nlohmann::json reply;
      try {
        reply = read_json_file(reply_path);
      } catch (const std::exception&) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        continue;
      }
      fs::remove(reply_path, ec);
      if (!reply.value("ok", false)) throw Error(reply.value("error", std::string("the run refused '" + cmd + "'")));
      return reply.value("result", nlohmann::json());
    }
    if (!control_is_live(run_dir) && !fs::exists(reply_path, ec)) {
      fs::remove(request, ec);
      throw Error("run " + run_dir.filename().string() + " ended before answering '" + cmd + "'");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  fs::remove(request, ec);
  throw Error("run " + run_dir.filename().string() + " did not answer '" + cmd + "' within " +
              std::to_string(static_cast<int>(timeout_seconds)) + " s; it may be busy in a long op (evaluation)");
}

}  // namespace acc
