// `acc serve`: the viewer and the runs root over HTTP on 127.0.0.1, with the buttons that
// change things (start a run, pause/step a live one) behind a per-start token. The routes
// are in serve/http_routes.cpp; this file checks the options, binds, prints the URL and
// turns Ctrl-C into a clean stop.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <random>
#include <thread>

#include "commands.h"
#include "error.h"
#include "run/run_dir.h"
#include "serve/http_routes.h"
#include "serve/run_launcher.h"
#include "viewer_url.h"

namespace acc::cli {

namespace fs = std::filesystem;

namespace {

constexpr const char* kLoopback = "127.0.0.1";

struct ServeOptions {
  std::string runs;
  int port = 8765;
  std::string host = kLoopback;
  bool allow_remote = false;
};

// 256 bits from the OS's random source, as hex: fresh at every start, never stored.
std::string make_token() {
  std::random_device rd;
  std::string token;
  char word[9];
  for (int i = 0; i < 8; ++i) {
    std::snprintf(word, sizeof word, "%08x", static_cast<unsigned>(rd()));
    token += word;
  }
  return token;
}

// Written only by on_signal; read by the server's signal thread.
int g_signal_pipe[2] = {-1, -1};
constexpr unsigned char kWakeUp = 0;  // not a signal number

extern "C" void on_signal(int sig) {
  const int saved = errno;
  const unsigned char byte = static_cast<unsigned char>(sig);
  if (::write(g_signal_pipe[1], &byte, 1) != 1) {
    // the pipe is full of unread signals: this one adds nothing
  }
  errno = saved;
}

void install_signal_pipe() {
  if (::pipe2(g_signal_pipe, O_CLOEXEC) != 0)
    throw Error(std::string("acc serve: cannot create its signal pipe: ") + std::strerror(errno), ExitCode::kFailure);
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // the server's own system calls carry on through a signal
  for (int sig : {SIGINT, SIGTERM, SIGCHLD}) sigaction(sig, &action, nullptr);
}

void report_ended(const std::vector<EndedRun>& ended) {
  for (const auto& run : ended)
    std::cerr << "acc serve: run " << run.run_id << " ended (exit " << run.exit_code << "); its output: " << run.log.string()
              << std::endl;
}

int run_serve(const ServeOptions& o) {
  if (o.host != kLoopback && !o.allow_remote)
    throw Error("--host " + o.host + " refused: acc serve binds 127.0.0.1 only, because anyone who reaches the port reads " +
                "your runs; pass --allow-remote to bind another address (prefer an SSH tunnel to 127.0.0.1)");
  const fs::path runs_root = fs::absolute(o.runs.empty() ? default_runs_root() : o.runs).lexically_normal();
  fs::create_directories(runs_root);
  const fs::path viewer_dir = fs::absolute(viewer_index_path()).parent_path();
  if (const std::string problem = viewer_bundle_problem(); !problem.empty())
    std::cerr << "acc serve: warning: " << problem << "\n";

  install_signal_pipe();  // before the URL is printed: a Ctrl-C right after it must stop cleanly
  RunLauncher launcher(runs_root, fs::canonical("/proc/self/exe"));
  ServeSettings settings;
  settings.runs_root = runs_root;
  settings.viewer_dir = viewer_dir;
  settings.token = make_token();
  settings.allow_remote = o.allow_remote;

  httplib::Server server;
  settings.port = o.port == 0 ? server.bind_to_any_port(o.host) : (server.bind_to_port(o.host, o.port) ? o.port : -1);
  if (settings.port <= 0)
    throw Error("cannot listen on " + o.host + ":" + std::to_string(o.port) +
                " (in use, or not an address of this machine); choose another --port, or --port 0 for a free one");
  add_routes(server, settings, launcher);

  const std::string host = o.host.find(':') != std::string::npos ? "[" + o.host + "]" : o.host;
  std::cout << "serving http://" << host << ":" << settings.port << "/?token=" << settings.token << std::endl;
  std::cerr << "acc serve: runs root " << runs_root.string() << "; Ctrl-C stops" << std::endl;

  // Ctrl-C must stop the server from ordinary code, not from inside a signal handler:
  // the handlers only write the signal's number to a pipe (buffered until now), and this
  // thread acts on it.
  // (Blocking the signals and sigwait would not do: LibTorch starts threads before main,
  // and a SIGINT delivered to one of them would kill the process.)
  std::atomic<bool> listen_returned{false};
  std::thread signal_thread([&] {
    for (;;) {
      unsigned char sig = kWakeUp;
      const ssize_t n = ::read(g_signal_pipe[0], &sig, 1);
      if (n < 0 && errno == EINTR) continue;
      if (n != 1 || sig == kWakeUp) return;
      if (sig == SIGCHLD) {
        report_ended(launcher.reap());
        continue;
      }
      std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C kills, as everywhere else in acc
      // httplib's stop() does nothing before listening has started and asserts when called
      // twice, so wait for the server to run, then call it once.
      while (!server.is_running() && !listen_returned.load())
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      if (!listen_returned.load()) server.stop();
      return;
    }
  });
  const bool clean = server.listen_after_bind();
  listen_returned.store(true);
  const unsigned char wake = kWakeUp;  // ends the signal thread when listening ended by itself
  if (::write(g_signal_pipe[1], &wake, 1) != 1) std::cerr << "acc serve: could not wake the signal thread\n";
  signal_thread.join();

  report_ended(launcher.reap());
  if (const size_t running = launcher.running(); running > 0)
    std::cerr << "acc serve: " << running << " run(s) started here keep running; control them with acc ctl RUN_ID\n";
  if (!clean) throw Error("acc serve stopped listening on " + o.host + ":" + std::to_string(settings.port), ExitCode::kFailure);
  return 0;
}

}  // namespace

Command setup_serve(CLI::App& app) {
  auto o = std::make_shared<ServeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "serve", "serve the viewer and the runs root over HTTP on 127.0.0.1, with run and debugger controls behind a token");
  cmd->add_option("--runs", o->runs, "runs root (default: $ACC_RUNS or ./runs)");
  cmd->add_option("--port", o->port, "TCP port; 0 picks a free one (printed)")->capture_default_str()->check(CLI::Range(0, 65535));
  cmd->add_option("--host", o->host, "address to bind; anything but 127.0.0.1 needs --allow-remote")->capture_default_str();
  cmd->add_flag("--allow-remote", o->allow_remote,
                "allow binding a non-loopback --host and requests under any Host name (the token still guards changes)");
  return {cmd, [o] { return run_serve(*o); }};
}

}  // namespace acc::cli
