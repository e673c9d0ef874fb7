// Checkpoint tree building, headline metrics and rendering; see tree.h.
#include "run/tree.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "run/run_format.h"

namespace acc {

namespace {

bool created_before(const NodeMeta& a, const NodeMeta& b) {
  return a.created != b.created ? a.created < b.created : a.id < b.id;
}

// Terminal columns of a UTF-8 string: the box-drawing prefixes are 3 bytes per column.
size_t display_width(const std::string& s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::string format_value(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

// The metrics to show for a task of `type`, most important first.
std::vector<std::string> headline_names(const std::string& type) {
  if (type == "classification") return {"accuracy"};
  if (type == "reconstruction") return {"psnr"};
  if (type == "regression") return {"r2"};
  if (type == "kl") return {"kl", "active_units"};
  return {};
}

void add_task_headlines(const std::string& task, const std::string& type, const nlohmann::json& values,
                        std::vector<HeadlineMetric>& out) {
  if (!values.is_object() || values.empty()) return;
  const size_t before = out.size();
  for (const auto& name : headline_names(type))
    if (values.contains(name) && values[name].is_number()) out.push_back({task, name, values[name].get<double>()});
  if (out.size() > before) return;
  for (const auto& [name, value] : values.items())
    if (value.is_number()) {
      out.push_back({task, name, value.get<double>()});
      return;
    }
}

struct Line {
  std::string label;  // tree prefix + tag
  std::string id;
  std::string step;
  std::string rest;   // metrics and the current marker
};

void collect_lines(const RunTree& tree, size_t index, const std::string& prefix, const std::string& child_prefix,
                   std::vector<Line>& lines) {
  const NodeMeta& node = tree.nodes[index];
  Line line{prefix + node.tag, node.id.substr(0, 8), "step " + std::to_string(node.step), ""};
  for (const auto& m : headline_metrics(node)) line.rest += "  " + m.task + "." + m.metric + "=" + format_value(m.value);
  if (!tree.current.empty() && node.id == tree.current) line.rest += "  ← current";
  lines.push_back(line);
  const auto& kids = tree.children[index];
  for (size_t k = 0; k < kids.size(); ++k) {
    const bool last = k + 1 == kids.size();
    collect_lines(tree, kids[k], child_prefix + (last ? "└─ " : "├─ "), child_prefix + (last ? "   " : "│  "), lines);
  }
}

}  // namespace

RunTree build_run_tree(const std::string& run_id, std::vector<NodeMeta> nodes, const std::string& current) {
  std::stable_sort(nodes.begin(), nodes.end(), created_before);
  RunTree tree;
  tree.run_id = run_id;
  tree.current = current;
  tree.nodes = std::move(nodes);
  tree.children.assign(tree.nodes.size(), {});
  std::map<std::string, size_t> index_of;
  for (size_t i = 0; i < tree.nodes.size(); ++i) index_of[tree.nodes[i].id] = i;

  std::vector<long> parent_of(tree.nodes.size(), -1);
  for (size_t i = 0; i < tree.nodes.size(); ++i) {
    const auto it = index_of.find(tree.nodes[i].parent);
    if (it != index_of.end() && it->second != i) parent_of[i] = static_cast<long>(it->second);
  }
  // Hand-edited metadata can form a parent cycle, which no root reaches; cut each cycle at
  // its oldest node so every node is drawn exactly once.
  std::vector<std::vector<size_t>> linked(tree.nodes.size());
  for (size_t i = 0; i < tree.nodes.size(); ++i)
    if (parent_of[i] >= 0) linked[static_cast<size_t>(parent_of[i])].push_back(i);
  std::vector<bool> reached(tree.nodes.size(), false);
  auto reach_from = [&](size_t root) {
    std::vector<size_t> stack = {root};
    while (!stack.empty()) {
      const size_t n = stack.back();
      stack.pop_back();
      reached[n] = true;
      for (size_t c : linked[n])
        if (!reached[c]) stack.push_back(c);
    }
  };
  for (size_t i = 0; i < tree.nodes.size(); ++i)
    if (parent_of[i] < 0) reach_from(i);
  for (size_t i = 0; i < tree.nodes.size(); ++i)
    if (!reached[i]) {
      parent_of[i] = -1;
      reach_from(i);
    }
  for (size_t i = 0; i < tree.nodes.size(); ++i) {
    if (parent_of[i] < 0) tree.roots.push_back(i);
    else tree.children[static_cast<size_t>(parent_of[i])].push_back(i);
  }
  return tree;
}

RunTree load_run_tree(const RunInfo& run) {
  CheckpointStore store(run.dir / run_format::kCheckpointsDir, run.id);
  std::string current;
  const auto& node = run.summary.contains("current_node") ? run.summary["current_node"] : nlohmann::json();
  if (node.is_object() && node.contains("id") && node["id"].is_string()) current = node["id"].get<std::string>();
  RunTree tree = build_run_tree(run.id, store.list(), current);
  tree.format_version = run.config.value("format_version", 0);
  return tree;
}

std::vector<HeadlineMetric> headline_metrics(const NodeMeta& node) {
  std::vector<HeadlineMetric> out;
  if (!node.metrics.is_object()) return out;
  std::vector<std::string> seen;
  if (node.tasks.is_array())
    for (const auto& task : node.tasks) {
      const std::string name = task.value("name", "");
      if (name.empty() || !node.metrics.contains(name)) continue;
      add_task_headlines(name, task.value("type", ""), node.metrics[name], out);
      seen.push_back(name);
    }
  for (const auto& [name, values] : node.metrics.items())
    if (std::find(seen.begin(), seen.end(), name) == seen.end()) add_task_headlines(name, "", values, out);
  return out;
}

std::string render_run_tree(const RunTree& tree) {
  std::string out;
  if (tree.format_version > run_format::kRunFormatVersion)
    out += "note: run format " + std::to_string(tree.format_version) + " is newer than this acc reads (" +
           std::to_string(run_format::kRunFormatVersion) + "); fields it does not know are not shown\n";
  if (tree.nodes.empty()) return out + "(no checkpoints)\n";
  std::vector<Line> lines;
  for (size_t r : tree.roots) collect_lines(tree, r, "", "", lines);
  size_t label_width = 0, step_width = 0;
  for (const auto& l : lines) {
    label_width = std::max(label_width, display_width(l.label));
    step_width = std::max(step_width, l.step.size());
  }
  for (const auto& l : lines) {
    std::string text = l.label + std::string(label_width - display_width(l.label) + 2, ' ') + l.id + "  " + l.step;
    if (!l.rest.empty()) text += std::string(step_width - l.step.size(), ' ') + l.rest;
    out += text + "\n";
  }
  return out;
}

nlohmann::json run_tree_to_json(const RunTree& tree) {
  nlohmann::json nodes = nlohmann::json::array();
  for (size_t i = 0; i < tree.nodes.size(); ++i) {
    const NodeMeta& n = tree.nodes[i];
    nlohmann::json children = nlohmann::json::array();
    for (size_t c : tree.children[i]) children.push_back(tree.nodes[c].id);
    nodes.push_back({{"id", n.id},
                     {"tag", n.tag},
                     {"parent", n.parent.empty() ? nlohmann::json() : nlohmann::json(n.parent)},
                     {"step", n.step},
                     {"created", n.created},
                     {"metrics", n.metrics},
                     {"children", children}});
  }
  return {{"run_id", tree.run_id},
          {"current", tree.current.empty() ? nlohmann::json() : nlohmann::json(tree.current)},
          {"nodes", nodes}};
}

}  // namespace acc
