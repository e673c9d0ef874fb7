// The `acc` executable: a torch-free front-end. It runs the commands that read run
// directories and talk to live runs itself, and hands the LibTorch commands to acc-torch
// (torch_commands.h) before parsing anything, so `acc ls` never maps LibTorch. Errors map
// to exit codes in one place; acc::Error messages are single lines meant for the user.
#include <iostream>
#include <string>
#include <vector>

#include "commands.h"
#include "error.h"
#include "forward.h"
#include "torch_commands.h"
#include "version.h"

int main(int argc, char** argv) {
  if (acc::cli::needs_torch(argc, argv)) return acc::cli::exec_torch_half(argc, argv);

  CLI::App app{"acc — Autoencoder Control Center: reproducible autoencoder/VAE experiments as checkpoint trees"};
  app.name("acc");
  app.require_subcommand(0, 1);
  bool show_version = false, full = false;
  app.add_flag("--version", show_version, "print the acc version (with --full: LibTorch, BLAS and the thread count)");
  app.add_flag("--full", full, "with --version: also the LibTorch, BLAS and thread facts (loads LibTorch)");

  // The order of `acc --help`. Torch-side commands are listed with their summary only: they
  // never reach the parser here (needs_torch() handed them over above).
  const auto forwarded = [&app](std::string_view name) {
    app.add_subcommand(std::string(name), acc::cli::torch_command_summary(name))->allow_extras();
    return acc::cli::Command{};
  };
  std::vector<acc::cli::Command> commands = {
      forwarded("run"),
      forwarded("plan"),
      acc::cli::setup_recipes(app),
      forwarded("fork"),
      forwarded("eval"),
      forwarded("inspect"),
      forwarded("reproduce"),
      acc::cli::setup_cancel(app),
      acc::cli::setup_ls(app),
      acc::cli::setup_tree(app),
      acc::cli::setup_events(app),
      forwarded("export"),
      acc::cli::setup_compare(app),
      acc::cli::setup_viewer(app),
      acc::cli::setup_ctl(app),
      acc::cli::setup_serve(app),
  };

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    if (show_version) {
      std::cout << "acc " << acc::acc_version() << "\n"
                << "(LibTorch, BLAS and thread facts: acc --version --full)\n";
      return 0;
    }
    for (auto& command : commands)
      if (command.app && command.app->parsed()) return command.run();
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
