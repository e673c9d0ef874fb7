// Runs root listing and node addressing; see run_index.h.
#include "run/run_index.h"

#include <algorithm>

#include "error.h"
#include "run/run_format.h"
#include "util/json_io.h"

namespace acc {

namespace fs = std::filesystem;

std::string RunInfo::status() const { return summary.value("status", "unknown"); }

std::string RunInfo::recipe_name() const {
  return config.contains("recipe") ? config["recipe"].value("name", "") : "";
}

namespace {
RunInfo load_info(const fs::path& dir) {
  RunInfo info;
  info.id = dir.filename().string();
  info.dir = dir;
  try {
    info.config = read_json_file(dir / run_format::kConfigFile);
  } catch (const Error&) {
    info.config = nlohmann::json::object();
  }
  try {
    info.summary = read_json_file(dir / run_format::kSummaryFile);
  } catch (const Error&) {
    info.summary = nlohmann::json::object();
  }
  return info;
}
}  // namespace

std::vector<RunInfo> list_runs(const fs::path& runs_root) {
  std::vector<RunInfo> runs;
  std::error_code ec;
  if (!fs::is_directory(runs_root, ec)) return runs;
  for (const auto& entry : fs::directory_iterator(runs_root)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_directory() || name.empty() || name[0] == '.') continue;
    if (!fs::exists(entry.path() / run_format::kConfigFile)) continue;
    runs.push_back(load_info(entry.path()));
  }
  std::sort(runs.begin(), runs.end(), [](const RunInfo& a, const RunInfo& b) { return a.id < b.id; });
  return runs;
}

RunInfo read_run(const fs::path& runs_root, const std::string& run_id) {
  const fs::path dir = runs_root / run_id;
  if (!fs::exists(dir / run_format::kConfigFile))
    throw Error("run '" + run_id + "' not found under " + runs_root.string() +
                " (list runs with `acc ls`; choose the root with --runs or ACC_RUNS)");
  return load_info(dir);
}

NodeAddress resolve_node(const fs::path& runs_root, const std::string& address) {
  const auto slash = address.find('/');
  if (slash != std::string::npos) {
    const RunInfo run = read_run(runs_root, address.substr(0, slash));
    const std::string tag = address.substr(slash + 1);
    CheckpointStore store(run.dir / run_format::kCheckpointsDir, run.id);
    std::string tags;
    for (const auto& node : store.list()) {
      if (node.tag == tag) return {run, node, store.state_path(node.id)};
      tags += (tags.empty() ? "" : ", ") + node.tag;
    }
    throw Error("node '" + address + "': run " + run.id + " has no node tagged '" + tag +
                "'; its tags: " + (tags.empty() ? "(none)" : tags));
  }
  if (address.size() < 4)
    throw Error("node '" + address + "': give RUN_ID/TAG or at least 4 characters of a node id");
  std::vector<NodeAddress> matches;
  for (const auto& run : list_runs(runs_root)) {
    CheckpointStore store(run.dir / run_format::kCheckpointsDir, run.id);
    for (const auto& node : store.list())
      if (node.id.rfind(address, 0) == 0) matches.push_back({run, node, store.state_path(node.id)});
  }
  if (matches.empty())
    throw Error("node '" + address + "' not found under " + runs_root.string() +
                "; address a node as RUN_ID/TAG or by an id prefix (see `acc tree`)");
  if (matches.size() > 1) {
    std::string list;
    for (const auto& m : matches) list += (list.empty() ? "" : ", ") + m.run.id + "/" + m.node.tag + " (" + m.node.id + ")";
    throw Error("node id prefix '" + address + "' is ambiguous: " + list + "; give more characters");
  }
  return matches.front();
}

}  // namespace acc
