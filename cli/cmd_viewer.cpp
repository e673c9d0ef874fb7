// `acc viewer [RUN_DIR...]`: (re)writes the JavaScript mirror the static viewer reads
// (docs/run-format.md, "Viewer mirror") and prints the file:// URL to open. `acc run`, `eval`
// and `fork` keep the mirror current by themselves; this is for runs copied from elsewhere,
// made by an older acc, or whose web/ folder was deleted.
#include <iostream>
#include <memory>

#include "commands.h"
#include "error.h"
#include "run/run_dir.h"
#include "run/run_format.h"
#include "run/run_listing.h"
#include "viewer_url.h"
#include "web/web_mirror.h"

namespace acc::cli {

namespace fs = std::filesystem;

namespace {

struct ViewerOptions {
  std::vector<std::string> run_dirs;
  std::string runs;
  bool rebuild = false;
};

bool is_run_dir(const fs::path& dir) {
  return fs::exists(dir / run_format::kEventsFile) || fs::exists(dir / run_format::kSummaryFile);
}

void mirror(const fs::path& dir, bool rebuild) {
  if (rebuild) fs::remove_all(dir / "web");
  sync_run_mirror(dir);
}

int run_viewer(const ViewerOptions& o) {
  if (!o.run_dirs.empty()) {
    for (const auto& d : o.run_dirs) {
      if (!is_run_dir(d))
        throw Error(d + ": not a run directory (no events.jsonl or summary.json); give a directory that acc run created");
      mirror(d, o.rebuild);
      std::cout << viewer_url_for_run(d) << "\n";
    }
  } else {
    const fs::path root = o.runs.empty() ? default_runs_root() : o.runs;
    require_runs_root(root);
    int runs = 0;
    for (const auto& entry : fs::directory_iterator(root)) {
      const std::string name = entry.path().filename().string();
      if (!entry.is_directory() || name.empty() || name.front() == '.' || !is_run_dir(entry.path())) continue;
      mirror(entry.path(), o.rebuild);
      ++runs;
    }
    write_runs_index(root);
    std::cout << "mirrored " << runs << " run" << (runs == 1 ? "" : "s") << " under " << root.string() << "; open:\n"
              << viewer_url_for_root(root) << "\n";
  }
  if (const std::string problem = viewer_bundle_problem(); !problem.empty()) std::cerr << "acc: note: " << problem << "\n";
  return 0;
}

}  // namespace

Command setup_viewer(CLI::App& app) {
  auto o = std::make_shared<ViewerOptions>();
  CLI::App* cmd = app.add_subcommand(
      "viewer", "write the viewer's data mirror for runs (acc run does this itself) and print the URL to open");
  cmd->add_option("run_dirs", o->run_dirs, "run directories anywhere on disk (default: every run under --runs)");
  cmd->add_option("--runs", o->runs, "runs root (default: $ACC_RUNS or ./runs)");
  cmd->add_flag("--rebuild", o->rebuild, "delete each run's web/ mirror first and write it from scratch");
  return {cmd, [o] { return run_viewer(*o); }};
}

}  // namespace acc::cli
