// The subcommands that need LibTorch. The `acc` front-end is torch-free so that the short
// commands (ls, tree, events, ctl, cancel, viewer, recipes, compare, serve, --help) start
// in milliseconds instead of paying ~1 s to map LibTorch's ~290 shared libraries; it hands
// these to `acc-torch` (installed beside it) with the same arguments. This table is the one
// place a command is declared torch-side: the front-end lists it in `acc --help` with this
// summary, and the command's own setup_<name>() uses the same summary.
#pragma once

#include <string_view>

namespace acc::cli {

struct TorchCommand {
  std::string_view name;
  std::string_view summary;
};

inline constexpr TorchCommand kTorchCommands[] = {
    {"run", "run a recipe (a YAML file, or the name of one in recipes/)"},
    {"plan", "write a Makefile that runs a recipe's branches as parallel processes (make -j) on one run"},
    {"fork", "fork an existing node into a new node of the same run (bitwise the same state)"},
    {"eval", "evaluate an existing node with its attached tasks and record the metrics on it"},
    {"inspect", "write network inspection artifacts for one test example of a node (layers, channels, kernels, ...)"},
    {"reproduce", "replay a node's lineage in a fresh run; exit 0 when the weights are bitwise identical"},
    {"export", "write a node's latent means, labels, factors and projections as .npy files"},
};

// The summary of a torch-side command, for its setup_<name>(); throws for a name not in the table.
std::string torch_command_summary(std::string_view name);

// The executable the user called (the front-end), for commands that write it into files or
// start children: acc-torch reads $ACC_FRONTEND, set by the front-end when it hands over;
// otherwise /proc/self/exe.
std::string user_facing_binary();

}  // namespace acc::cli
