// Finding recipes: the built-in recipes/ directory plus any --recipes DIR. A recipe is
// named by a path or by its file stem ("quickstart" -> recipes/quickstart.yaml).
#pragma once

#include <string>
#include <vector>

namespace acc {

struct RecipeEntry {
  std::string path;
  std::string name;         // from the file; empty when it does not parse
  std::string description;
  std::string error;        // why it does not parse, empty when it does
};

// Directories searched, in order: `extra` (--recipes), ACC_RECIPES, ./recipes, and the
// recipes/ directory of the source tree the running executable was built in (found from
// /proc/self/exe). Existing ones only, no repeats.
std::vector<std::string> recipe_dirs(const std::vector<std::string>& extra);
// Every *.yaml / *.yml in the dirs, sorted by path; unparsable files are listed with error.
std::vector<RecipeEntry> list_recipes(const std::vector<std::string>& dirs);
// A path that exists is returned as is; otherwise NAME is looked up as NAME.yaml in dirs.
// acc::Error listing the available recipes when nothing matches.
std::string resolve_recipe(const std::string& path_or_name, const std::vector<std::string>& dirs);

}  // namespace acc
