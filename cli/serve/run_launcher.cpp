// Child `acc run` processes for `acc serve`; see run_launcher.h.
#include "serve/run_launcher.h"

#include <sys/wait.h>

#include "error.h"
#include "recipe/catalog.h"
#include "recipe/recipe.h"
#include "run/run_dir.h"
#include "serve/child_process.h"

namespace acc::cli {

namespace fs = std::filesystem;

namespace {

// --set takes YAML scalars: a JSON string goes as its text, anything else as JSON (which
// YAML reads back as the same number, bool or list).
std::string set_value(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

}  // namespace

RunLauncher::RunLauncher(fs::path runs_root, fs::path acc_exe)
    : runs_root_(std::move(runs_root)), acc_exe_(std::move(acc_exe)) {}

std::string RunLauncher::unused_run_id(const std::string& recipe_name) {
  for (;;) {
    const std::string id = make_run_id(recipe_name);
    std::error_code ec;
    if (!ids_.count(id) && !fs::exists(runs_root_ / id, ec)) return id;
  }
}

LaunchedRun RunLauncher::launch(const std::string& recipe, const nlohmann::json& vars) {
  if (recipe.empty() || recipe.find('/') != std::string::npos || recipe[0] == '.')
    throw Error("recipe must be a name listed by GET /api/recipes (not a path), got '" + recipe + "'");
  if (!vars.is_object()) throw Error("vars must be an object {name: value}");
  std::map<std::string, std::string> overrides;
  for (const auto& [name, value] : vars.items()) {
    if (name.empty() || name.find('=') != std::string::npos) throw Error("var name '" + name + "' is not valid");
    if (value.is_null()) throw Error("var '" + name + "' has no value");
    overrides[name] = set_value(value);
  }
  const std::string path = resolve_recipe(recipe, recipe_dirs({}));
  // Parsing with the overrides answers an unknown var or a malformed value now, before a
  // process is started; the full validation (datasets, fields) is the run's own.
  const Recipe parsed = load_recipe(path, overrides);

  std::vector<std::string> argv = {acc_exe_.string(), "run", fs::absolute(path).string()};
  for (const auto& [name, value] : overrides) argv.insert(argv.end(), {"--set", name + "=" + value});

  std::lock_guard<std::mutex> lock(mutex_);
  const std::string id = unused_run_id(parsed.name);
  argv.insert(argv.end(), {"--runs", runs_root_.string(), "--run-id", id, "-q"});
  const fs::path log_dir = runs_root_ / ".serve";
  fs::create_directories(log_dir);
  LaunchedRun run{id, log_dir / (id + ".log")};
  const pid_t pid = spawn_child(argv, run.log);
  ids_.insert(id);
  children_[pid] = run;
  return run;
}

std::vector<EndedRun> RunLauncher::reap() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<EndedRun> ended;
  for (auto it = children_.begin(); it != children_.end();) {
    int status = 0;
    if (::waitpid(it->first, &status, WNOHANG) != it->first) {
      ++it;
      continue;
    }
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    ended.push_back({it->second.run_id, code, it->second.log});
    it = children_.erase(it);
  }
  return ended;
}

size_t RunLauncher::running() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return children_.size();
}

}  // namespace acc::cli
