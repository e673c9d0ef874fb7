// Recipe discovery; see catalog.h.
#include "recipe/catalog.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "error.h"
#include "recipe/recipe.h"

namespace acc {

namespace fs = std::filesystem;

std::vector<std::string> recipe_dirs(const std::vector<std::string>& extra) {
  std::vector<std::string> candidates = extra;
  if (const char* env = std::getenv("ACC_RECIPES"); env && *env) candidates.push_back(env);
  candidates.push_back("recipes");
  {
    std::error_code ec;
    const fs::path exe = fs::canonical("/proc/self/exe", ec);
    if (!ec) {
      candidates.push_back((exe.parent_path().parent_path() / "recipes").string());
      candidates.push_back((exe.parent_path() / "recipes").string());
    }
  }
  std::vector<std::string> dirs;
  std::vector<fs::path> seen;
  for (const auto& c : candidates) {
    std::error_code ec;
    if (!fs::is_directory(c, ec)) continue;
    const fs::path canon = fs::canonical(c, ec);
    if (std::find(seen.begin(), seen.end(), canon) != seen.end()) continue;
    seen.push_back(canon);
    dirs.push_back(c);
  }
  return dirs;
}

std::vector<RecipeEntry> list_recipes(const std::vector<std::string>& dirs) {
  std::vector<RecipeEntry> entries;
  for (const auto& dir : dirs) {
    for (const auto& file : fs::directory_iterator(dir)) {
      const auto ext = file.path().extension();
      if (!file.is_regular_file() || (ext != ".yaml" && ext != ".yml")) continue;
      RecipeEntry e;
      e.path = file.path().string();
      try {
        // Parsing with defaults checks YAML, top-level keys and ${var} references.
        const Recipe r = load_recipe(e.path);
        e.name = r.name;
        e.description = r.description;
      } catch (const Error& err) {
        e.error = err.what();
      }
      entries.push_back(std::move(e));
    }
  }
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  return entries;
}

std::string resolve_recipe(const std::string& path_or_name, const std::vector<std::string>& dirs) {
  std::error_code ec;
  if (fs::is_regular_file(path_or_name, ec)) return path_or_name;
  for (const auto& dir : dirs)
    for (const char* ext : {".yaml", ".yml"}) {
      const fs::path candidate = fs::path(dir) / (path_or_name + ext);
      if (fs::is_regular_file(candidate, ec)) return candidate.string();
    }
  std::string available;
  for (const auto& e : list_recipes(dirs))
    available += (available.empty() ? "" : ", ") + fs::path(e.path).stem().string();
  throw Error(path_or_name + ": recipe not found; available recipes: " + (available.empty() ? "(none)" : available) +
              " (or give a path to a .yaml file)");
}

}  // namespace acc
