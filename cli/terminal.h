// Process-level concerns of the CLI: thread and device set-up, and Ctrl-C turning into a
// cancel flag the trainer checks every step.
#pragma once

#include <torch/torch.h>

#include <atomic>
#include <string>

#include <CLI/CLI.hpp>

namespace acc::cli {

// One intra-op thread measured fastest here for these small models (two oversubscribe
// the 2-core machine); see docs/reproducibility.md. Results are bitwise reproducible at 1.
inline constexpr int kDefaultThreads = 1;

struct RuntimeOptions {
  int threads = kDefaultThreads;
  std::string device = "cpu";
};

// Adds --threads and --device to a training command.
void add_runtime_options(CLI::App& command, RuntimeOptions& options);
void configure_threads(int threads);
// Applies threads; returns the device, or acc::Error when it is unusable (cuda on a CPU build).
torch::Device configure_runtime(const RuntimeOptions& options);

// First Ctrl-C sets the flag (the run finishes its step, saves and ends as cancelled);
// a second one kills the process the usual way.
const std::atomic<bool>& install_cancel_handler();

bool stderr_is_terminal();

}  // namespace acc::cli
