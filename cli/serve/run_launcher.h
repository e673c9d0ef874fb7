// Starting `acc run` from `acc serve` (POST /api/runs): the recipe and vars are checked
// here, so a typo is answered at once, and the run id is chosen here, so the caller can open
// the run before its directory exists. Each run is a child process of its own: a crash or a
// long training never blocks the server, and the runs keep going when the server stops.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace acc::cli {

struct LaunchedRun {
  std::string run_id;
  std::filesystem::path log;  // the child's stdout and stderr
};

struct EndedRun {
  std::string run_id;
  int exit_code = 0;  // 128 + signal when killed by one
  std::filesystem::path log;
};

class RunLauncher {
 public:
  // `acc_exe` is run as `acc_exe run RECIPE --set k=v ... --runs ROOT --run-id ID -q`, with
  // its output in <runs_root>/.serve/<id>.log.
  RunLauncher(std::filesystem::path runs_root, std::filesystem::path acc_exe);

  // `recipe` is a name from the catalog (GET /api/recipes), not a path; `vars` maps var
  // names to JSON scalars. acc::Error on an unknown recipe, an unknown var or a value the
  // recipe rejects when parsed; the run's own failures (data, training) go to its log.
  LaunchedRun launch(const std::string& recipe, const nlohmann::json& vars);

  // The children that have exited since the last call; never blocks.
  std::vector<EndedRun> reap();
  // How many children are still running.
  size_t running() const;
  // The acc executable children run (also used for `acc inspect` requests).
  const std::filesystem::path& acc_exe() const { return acc_exe_; }

 private:
  std::string unused_run_id(const std::string& recipe_name);

  std::filesystem::path runs_root_;
  std::filesystem::path acc_exe_;
  mutable std::mutex mutex_;
  std::map<pid_t, LaunchedRun> children_;
  std::set<std::string> ids_;  // every id handed out, so two launches in one second differ
};

}  // namespace acc::cli
