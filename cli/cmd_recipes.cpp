// `acc recipes`: list the recipes acc can find (a file that does not parse is listed
// with its reason). `acc recipes --reference` is generated from the model/task registries,
// so the front-end hands it to acc-torch (cmd_reference.cpp) before parsing.
#include <filesystem>
#include <iostream>
#include <memory>

#include "commands.h"
#include "recipe/catalog.h"

namespace acc::cli {

namespace {

struct RecipesOptions {
  std::vector<std::string> dirs;
  bool reference = false;  // only for --help: forward.cpp hands --reference to acc-torch
};

int run_recipes(const RecipesOptions& o) {
  const auto entries = list_recipes(recipe_dirs(o.dirs));
  if (entries.empty()) std::cout << "no recipes found (looked in ./recipes, $ACC_RECIPES and --recipes)\n";
  for (const auto& e : entries) {
    const std::string stem = std::filesystem::path(e.path).stem().string();
    if (e.error.empty())
      std::cout << stem << "\t" << e.path << "\t" << e.description << "\n";
    else
      std::cout << stem << "\t" << e.path << "\tINVALID: " << e.error << "\n";
  }
  return 0;
}

}  // namespace

Command setup_recipes(CLI::App& app) {
  auto opts = std::make_shared<RecipesOptions>();
  CLI::App* cmd = app.add_subcommand("recipes", "list available recipes with their descriptions");
  cmd->add_option("--recipes", opts->dirs, "extra directory to search (repeatable)");
  cmd->add_flag("--reference", opts->reference, "print the recipe reference (every op, model, task, dataset field)");
  return {cmd, [opts] { return run_recipes(*opts); }};
}

}  // namespace acc::cli
