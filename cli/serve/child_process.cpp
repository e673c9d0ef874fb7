// Spawning acc children for `acc serve`; see child_process.h.
#include "serve/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "error.h"

extern char** environ;

namespace acc::cli {

namespace fs = std::filesystem;

namespace {

// RAII for the two posix_spawn structures, so every early return frees them.
struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
};

// A new empty file in the temp directory, for one capture.
fs::path temp_file(const std::string& stem) {
  std::string pattern = (fs::temp_directory_path() / (stem + "-XXXXXX")).string();
  const int fd = ::mkstemp(pattern.data());
  if (fd < 0)
    throw Error("acc serve: cannot create a temporary file in " + fs::temp_directory_path().string() + ": " +
                    std::strerror(errno),
                ExitCode::kFailure);
  ::close(fd);
  return pattern;
}

std::string read_all(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

pid_t spawn_child(const std::vector<std::string>& argv, const fs::path& out, const std::optional<fs::path>& err) {
  SpawnSetup s;
  posix_spawn_file_actions_addopen(&s.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&s.actions, STDOUT_FILENO, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (err) posix_spawn_file_actions_addopen(&s.actions, STDERR_FILENO, err->c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  else posix_spawn_file_actions_adddup2(&s.actions, STDOUT_FILENO, STDERR_FILENO);
  posix_spawn_file_actions_addclosefrom_np(&s.actions, 3);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (int sig : {SIGINT, SIGTERM, SIGCHLD, SIGPIPE}) sigaddset(&defaults, sig);
  posix_spawnattr_setsigmask(&s.attr, &none);
  posix_spawnattr_setsigdefault(&s.attr, &defaults);
  posix_spawnattr_setpgroup(&s.attr, 0);
  posix_spawnattr_setflags(&s.attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);

  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0].c_str(), &s.actions, &s.attr, args.data(), environ);
  if (rc != 0)
    throw Error("could not start " + argv[0] + ": " + std::strerror(rc) + " (output: " + out.string() + ")",
                ExitCode::kFailure);
  return pid;
}

ChildResult run_child(const std::vector<std::string>& argv) {
  const fs::path out = temp_file("acc-serve-out"), err = temp_file("acc-serve-err");
  ChildResult r;
  try {
    const pid_t pid = spawn_child(argv, out, err);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = read_all(out);
    r.err = read_all(err);
  } catch (...) {
    fs::remove(out);
    fs::remove(err);
    throw;
  }
  fs::remove(out);
  fs::remove(err);
  return r;
}

}  // namespace acc::cli
