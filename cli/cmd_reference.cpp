// `acc recipes --reference` on the acc-torch side: prints the recipe reference (every op,
// model, task, dataset field), generated from the registries.
#include <iostream>
#include <memory>

#include "commands.h"
#include "recipe/reference.h"

namespace acc::cli {

Command setup_reference(CLI::App& app) {
  auto dirs = std::make_shared<std::vector<std::string>>();
  CLI::App* cmd = app.add_subcommand("recipes", "print the recipe reference (every op, model, task, dataset field)");
  cmd->add_flag("--reference", "print the recipe reference")->required();
  cmd->add_option("--recipes", *dirs, "accepted as in `acc recipes`; the reference does not depend on it");
  return {cmd, [] {
            std::cout << recipe_reference_markdown();
            return 0;
          }};
}

}  // namespace acc::cli
