// The front-end's hand-over to acc-torch: which invocations need LibTorch, and the exec.
#pragma once

namespace acc::cli {

// True for a torch-side subcommand (torch_commands.h), `recipes --reference` (generated
// from the model/task registries) and `--version --full` (LibTorch/BLAS/thread facts).
bool needs_torch(int argc, char** argv);

// Replaces this process with acc-torch from the front-end's directory, same arguments, with
// $ACC_FRONTEND naming the front-end. Returns only on failure, with the exit code to use
// after printing a one-line error.
int exec_torch_half(int argc, char** argv);

}  // namespace acc::cli
