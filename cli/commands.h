// Subcommand registration. Each cli/cmd_<name>.cpp defines setup_<name>(), which adds
// its subcommand with an options struct and returns how to run it; main.cpp (the torch-free
// front-end) and torch_main.cpp (acc-torch) list them in one table each, and
// torch_commands.h says which side a command is on. Commands only parse options, call
// core, and print.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace acc::cli {

struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;  // returns the process exit code
};

Command setup_run(CLI::App& app);
Command setup_plan(CLI::App& app);
Command setup_recipes(CLI::App& app);
Command setup_reference(CLI::App& app);  // acc-torch's `recipes --reference`
Command setup_fork(CLI::App& app);
Command setup_eval(CLI::App& app);
Command setup_inspect(CLI::App& app);
Command setup_reproduce(CLI::App& app);
Command setup_cancel(CLI::App& app);
Command setup_ls(CLI::App& app);
Command setup_tree(CLI::App& app);
Command setup_events(CLI::App& app);
Command setup_export(CLI::App& app);
Command setup_compare(CLI::App& app);
Command setup_viewer(CLI::App& app);
Command setup_ctl(CLI::App& app);
Command setup_serve(CLI::App& app);

}  // namespace acc::cli
