// Process-level concerns shared by both halves of the CLI: Ctrl-C turning into a cancel
// flag, and whether stderr is a terminal. Torch-free (the `acc` front-end uses it); the
// thread and device set-up of training commands is in runtime.h.
#pragma once

#include <atomic>

namespace acc::cli {

// First Ctrl-C sets the flag (the run finishes its step, saves and ends as cancelled);
// a second one kills the process the usual way.
const std::atomic<bool>& install_cancel_handler();

bool stderr_is_terminal();

}  // namespace acc::cli
