// acc-torch: the half of `acc` that links LibTorch (run, plan, fork, eval, inspect,
// reproduce, export, recipes --reference, --version --full). Users call `acc`, which hands
// these commands over with the same arguments (forward.h); calling acc-torch directly works
// too. Errors map to exit codes in one place, as in main.cpp.
#include <malloc.h>

#include <iostream>
#include <vector>

#include "commands.h"
#include "error.h"
#include "runtime.h"
#include "runtime_info.h"
#include "version.h"

int main(int argc, char** argv) {
  // Keep LibTorch's large per-step buffers (conv activations, tens of MB) in the heap instead
  // of glibc's default of returning them to the kernel and faulting them back in every step:
  // that alone made conv_ae/conv_vae training flip between ~15 and ~33 steps/s from one run
  // to the next (500k vs 37k page faults per 150 steps, measured with perf stat; bench/README.md).
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  CLI::App app{"acc — Autoencoder Control Center (the LibTorch commands; call them as `acc <command>`)"};
  app.name("acc");
  app.require_subcommand(0, 1);
  bool show_version = false, full = false;
  app.add_flag("--version", show_version, "print acc, LibTorch and BLAS versions and the thread count");
  app.add_flag("--full", full, "accepted for `acc --version --full`");

  std::vector<acc::cli::Command> commands = {
      acc::cli::setup_run(app),       acc::cli::setup_plan(app),    acc::cli::setup_reference(app),
      acc::cli::setup_fork(app),      acc::cli::setup_eval(app),    acc::cli::setup_inspect(app),
      acc::cli::setup_reproduce(app), acc::cli::setup_export(app),
  };

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    if (show_version) {
      acc::cli::configure_threads(acc::cli::kDefaultThreads);
      std::cout << "acc " << acc::acc_version() << "\n"
                << "libtorch " << acc::libtorch_version() << "\n"
                << "blas " << acc::blas_in_use() << "\n"
                << "threads " << acc::intra_op_threads() << " (default; change with --threads)\n"
                << "cuda " << (acc::cuda_available() ? "available" : "not available (CPU build)") << "\n";
      return 0;
    }
    for (auto& command : commands)
      if (command.app->parsed()) return command.run();
    std::cout << app.help();
    return 0;
  } catch (const acc::Error& e) {
    std::cerr << "acc: error: " << e.what() << "\n";
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    std::cerr << "acc: internal error: " << e.what() << "\n";
    return 1;
  }
}
