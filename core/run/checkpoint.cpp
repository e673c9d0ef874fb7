// Checkpoint nodes on disk; see checkpoint.h.
#include "run/checkpoint.h"

#include <algorithm>
#include <random>

#include "error.h"
#include "util/file_lock.h"
#include "util/json_io.h"

namespace acc {

namespace fs = std::filesystem;

nlohmann::json NodeMeta::to_json() const {
  return {{"id", id},       {"tag", tag},       {"parent", parent.empty() ? nlohmann::json() : nlohmann::json(parent)},
          {"run_id", run_id}, {"step", step},   {"created", created},
          {"model", model}, {"tasks", tasks},   {"datasets", datasets},
          {"plugins", plugins},     {"lineage", lineage}, {"op_index", op_index}, {"metrics", metrics}};
}

NodeMeta NodeMeta::from_json(const nlohmann::json& j) {
  NodeMeta m;
  m.id = j.at("id").get<std::string>();
  m.tag = j.at("tag").get<std::string>();
  m.parent = j.at("parent").is_null() ? "" : j.at("parent").get<std::string>();
  m.run_id = j.value("run_id", "");
  m.step = j.value("step", int64_t{0});
  m.created = j.value("created", "");
  m.model = j.value("model", nlohmann::json::object());
  m.tasks = j.value("tasks", nlohmann::json::array());
  m.datasets = j.value("datasets", nlohmann::json::object());
  m.lineage = j.value("lineage", nlohmann::json::array());
  m.plugins = j.value("plugins", nlohmann::json::object());
  if (j.contains("gating") && !j["gating"].is_null() && !m.plugins.contains("gating")) m.plugins["gating"] = j["gating"];
  m.metrics = j.value("metrics", nlohmann::json::object());
  m.op_index = j.value("op_index", int64_t{-1});
  return m;
}

CheckpointStore::CheckpointStore(fs::path dir, std::string run_id)
    : dir_(std::move(dir)), run_id_(std::move(run_id)) {}

fs::path CheckpointStore::node_dir(const std::string& id) const { return dir_ / id; }
fs::path CheckpointStore::state_path(const std::string& id) const { return node_dir(id) / "state.pt"; }

namespace {

std::string new_node_id() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(rng()));
  return std::string(hex).substr(0, 12);
}

}  // namespace

NodeMeta CheckpointStore::create_node(NodeMeta meta, const std::function<void(const fs::path&)>& fill) {
  fs::create_directories(dir_);
  FileLock lock(dir_ / ".lock");
  if (find_tag(meta.tag))
    throw Error("tag '" + meta.tag + "' is already used in run " + run_id_ + "; tags must be unique within a run");
  meta.id = new_node_id();
  meta.run_id = run_id_;
  meta.created = utc_timestamp();
  const fs::path tmp = dir_ / (".tmp-" + meta.id);
  fs::create_directories(tmp);
  fill(tmp);
  write_json_atomic(tmp / "meta.json", meta.to_json());
  fs::rename(tmp, node_dir(meta.id));
  return meta;
}

NodeMeta CheckpointStore::fork(const NodeMeta& parent, const std::string& tag, const nlohmann::json& lineage,
                               int64_t op_index) {
  NodeMeta meta = parent;
  meta.tag = tag;
  meta.parent = parent.id;
  meta.lineage = lineage;
  meta.op_index = op_index;
  meta.metrics = nlohmann::json::object();
  const fs::path source = state_path(parent.id);
  return create_node(std::move(meta), [&](const fs::path& tmp) {
    std::error_code ec;
    fs::create_hard_link(source, tmp / "state.pt", ec);
    if (ec) fs::copy_file(source, tmp / "state.pt");  // e.g. a filesystem without hard links
  });
}

std::vector<NodeMeta> CheckpointStore::list() const {
  std::vector<NodeMeta> nodes;
  if (!fs::exists(dir_)) return nodes;
  for (const auto& entry : fs::directory_iterator(dir_)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_directory() || name.empty() || name[0] == '.') continue;
    if (!fs::exists(entry.path() / "meta.json")) continue;
    nodes.push_back(NodeMeta::from_json(read_json_file(entry.path() / "meta.json")));
  }
  std::sort(nodes.begin(), nodes.end(), [](const NodeMeta& a, const NodeMeta& b) {
    return a.created != b.created ? a.created < b.created : a.id < b.id;
  });
  return nodes;
}

std::optional<NodeMeta> CheckpointStore::find_tag(const std::string& tag) const {
  for (auto& n : list())
    if (n.tag == tag) return n;
  return std::nullopt;
}

NodeMeta CheckpointStore::read(const std::string& id) const {
  const fs::path meta = node_dir(id) / "meta.json";
  if (!fs::exists(meta)) throw Error("checkpoint '" + id + "' not found in " + dir_.string());
  return NodeMeta::from_json(read_json_file(meta));
}

void CheckpointStore::record_metrics(const std::string& id, const nlohmann::json& metrics) {
  FileLock lock(dir_ / ".lock");  // another process may be evaluating the same node
  NodeMeta meta = read(id);
  for (const auto& [task, values] : metrics.items()) meta.metrics[task] = values;
  write_json_atomic(node_dir(id) / "meta.json", meta.to_json());
}

}  // namespace acc
