// Child processes of `acc serve`: runs it starts in the background (run_launcher.h) and
// `acc inspect` requests it waits for (inspect_route.h). Each child starts with default
// signal handling, no inherited descriptors beyond stdio (the listening socket must not
// outlive the server in a long run) and its own process group (a Ctrl-C meant for the
// server does not reach it).
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace acc::cli {

// Starts argv[0] (a path) with stdout to `out` and stderr to `err`, or to `out` too when
// nullopt. acc::Error (kFailure) when it cannot start.
pid_t spawn_child(const std::vector<std::string>& argv, const std::filesystem::path& out,
                  const std::optional<std::filesystem::path>& err = std::nullopt);

struct ChildResult {
  int exit_code = 0;  // 128 + signal when killed by one
  std::string out, err;
};

// Runs argv to completion with its stdout and stderr captured (through temporary files,
// removed after).
ChildResult run_child(const std::vector<std::string>& argv);

}  // namespace acc::cli
