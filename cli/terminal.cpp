// Signal handling and terminal detection for the CLI; see terminal.h.
#include "terminal.h"

#include <unistd.h>

#include <csignal>

namespace acc::cli {

namespace {
std::atomic<bool> g_cancel{false};  // written from the signal handler: must be lock-free

extern "C" void on_sigint(int) {
  g_cancel.store(true);
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}
}  // namespace

const std::atomic<bool>& install_cancel_handler() {
  std::signal(SIGINT, on_sigint);
  std::signal(SIGTERM, on_sigint);
  return g_cancel;
}

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

}  // namespace acc::cli
