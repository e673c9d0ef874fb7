// Cutting a recipe into segments for acc plan; see segments.h.
#include "recipe/segments.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "error.h"
#include "recipe/ops.h"

namespace acc {

namespace {

// Ops that change nothing a later fork or set_seed would not reset: they travel with the
// op after them, so a branch's phase or seed belongs to the branch.
bool travels_with_next(const std::string& op) {
  return op == "phase" || op == "log" || op == "set_seed" || op == "load_dataset";
}

// Ops that read nodes other than the current state (`compare`): they open a segment that
// waits for the segments making those nodes.
bool reads_other_nodes(const std::string& op) { return op == "compare"; }

std::string tag_of(const RecipeOp& op) {
  const auto& tag = op.fields.value("tag", nlohmann::json());
  return tag.is_string() ? tag.get<std::string>() : tag.dump();
}

// Letters, digits, '_', '-' and '.', not starting with '.' or '-': a make target, a file
// name and a shell word all at once.
std::string safe_name(const std::string& text) {
  std::string out;
  for (char c : text) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.') ? c : '_';
  if (!out.empty() && (out[0] == '.' || out[0] == '-')) out = "_" + out;
  return out;
}

// A compare of "every node" (no list): it waits for all segments before it, and all after
// it wait for it, so it sees exactly the nodes a sequential run's would.
bool gathers_all(const RecipeOp& op) {
  const auto nodes = op.fields.value("nodes", nlohmann::json::array());
  return reads_other_nodes(op.op) && (!nodes.is_array() || nodes.empty());
}

void add_unique(std::vector<std::string>& list, const std::string& item) {
  if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
}

// The segment a fork or a gather needs for `tag`, or acc::Error naming the op.
const std::string& maker(const std::map<std::string, std::string>& made_by, const nlohmann::json& tag,
                         const RecipeOp& op, const char* field) {
  auto it = made_by.find(tag.is_string() ? tag.get<std::string>() : tag.dump());
  if (it == made_by.end())
    throw Error(op.where() + ": field '" + field + "': no node tagged " + tag.dump() + " is saved before this op");
  return it->second;
}

// What segment `s`, opened by ops[h], waits for besides the trunk; acc::Error when it
// could not compute what a sequential run does.
void add_dependencies(Segment& s, size_t h, const std::vector<Segment>& earlier,
                      const std::map<std::string, std::string>& made_by, const std::vector<RecipeOp>& ops) {
  // An evaluate with a judge (traversal_effects) reads that node: wait for its segment.
  for (size_t i = s.begin; i < s.end; ++i) {
    const auto judge = ops[i].fields.value("judge", nlohmann::json(""));
    const bool named = !(judge.is_string() && judge.get<std::string>().empty());
    const bool made_here = judge.is_string() && std::count(s.tags.begin(), s.tags.end(), judge.get<std::string>());
    if (ops[i].op == "evaluate" && named && !made_here) add_unique(s.depends, maker(made_by, judge, ops[i], "judge"));
  }
  const RecipeOp& head = ops[h];
  const auto first = ops.begin();
  if (head.op == "fork") {
    add_unique(s.depends, maker(made_by, head.fields.value("from", nlohmann::json()), head, "from"));
  } else if (reads_other_nodes(head.op)) {
    if (gathers_all(head))
      for (const auto& e : earlier) add_unique(s.depends, e.name);
    else
      for (const auto& tag : head.fields["nodes"]) add_unique(s.depends, maker(made_by, tag, head, "nodes"));
    // The state before it stays in the process that made it: only ops that need none may follow.
    for (size_t i = h + 1; i < s.end; ++i)
      if (!travels_with_next(ops[i].op) && !reads_other_nodes(ops[i].op))
        throw Error(ops[i].where() + ": acc plan runs the ops after " + head.op + " (line " + std::to_string(head.line) +
                    ") in a process of its own, without the branch state before it; move this op before the " +
                    head.op + ", or start it with a fork");
  } else {  // a later create_model
    const bool seeded = std::any_of(first + static_cast<std::ptrdiff_t>(s.begin), first + static_cast<std::ptrdiff_t>(h),
                                    [](const RecipeOp& op) { return op.op == "set_seed"; });
    if (!seeded)
      throw Error(head.where() + ": acc plan runs this model in a process of its own, so its weights must not "
                  "depend on the ops before it; add `- op: set_seed` (with a seed) right before it");
  }
}

}  // namespace

std::vector<Segment> split_segments(const Recipe& recipe, const std::map<size_t, std::vector<std::string>>& implicit_tags) {
  const auto& ops = recipe.ops;
  std::vector<size_t> starts = {0};
  std::vector<size_t> heads = {0};  // the op that opens each segment
  bool model_seen = false;
  for (size_t i = 0; i < ops.size(); ++i) {
    const bool opens = ops[i].op == "fork" || (ops[i].op == "create_model" && model_seen) || reads_other_nodes(ops[i].op);
    model_seen = model_seen || ops[i].op == "create_model";
    if (!opens || i == 0) continue;
    size_t start = i;
    while (start > starts.back() + 1 && travels_with_next(ops[start - 1].op)) --start;
    starts.push_back(start);
    heads.push_back(i);
  }

  std::vector<Segment> segments;
  std::map<std::string, std::string> made_by;  // tag -> segment name
  std::set<std::string> names = {"all", "clean", "help"};  // make targets of the Makefile itself
  std::string barrier;  // the last segment that gathers all nodes: later ones wait for it
  for (size_t k = 0; k < starts.size(); ++k) {
    Segment s;
    s.begin = starts[k];
    s.end = k + 1 < starts.size() ? starts[k + 1] : ops.size();
    for (size_t i = s.begin; i < s.end; ++i) {
      if (ops[i].op == "fork" || ops[i].op == "save_checkpoint") s.tags.push_back(tag_of(ops[i]));
      if (const auto it = implicit_tags.find(i); it != implicit_tags.end())
        s.tags.insert(s.tags.end(), it->second.begin(), it->second.end());
    }
    std::string name = s.tags.empty() ? "" : safe_name(s.tags.front());
    if (name.empty() && k == 0) name = "trunk";
    if (name.empty()) name = reads_other_nodes(ops[heads[k]].op) ? ops[heads[k]].op : "segment_" + std::to_string(k);
    s.name = name;
    for (int n = 2; names.count(s.name); ++n) s.name = name + "-" + std::to_string(n);
    names.insert(s.name);

    if (k > 0) {
      s.depends.push_back(segments.front().name);
      if (!barrier.empty()) add_unique(s.depends, barrier);
      add_dependencies(s, heads[k], segments, made_by, ops);
      if (gathers_all(ops[heads[k]])) barrier = s.name;
    }
    for (const auto& tag : s.tags) made_by[tag] = s.name;
    segments.push_back(std::move(s));
  }
  return segments;
}

const Segment& find_segment(const std::vector<Segment>& segments, const std::string& name) {
  for (const auto& s : segments)
    if (s.name == name) return s;
  std::string known;
  for (const auto& s : segments) known += (known.empty() ? "" : ", ") + s.name;
  throw Error("--segment " + name + ": the recipe has no segment of that name; its segments are: " + known +
              " (see `acc plan`)");
}

nlohmann::json lineage_before(const Recipe& recipe, size_t index) {
  nlohmann::json lineage = nlohmann::json::array();
  std::map<std::string, nlohmann::json> saved;  // tag -> lineage of that node
  for (size_t i = 0; i < index && i < recipe.ops.size(); ++i) {
    const RecipeOp& op = recipe.ops[i];
    nlohmann::json entry = resolve_op_fields(op);
    entry["op"] = op.op;
    entry["line"] = op.line;
    // As RecipeContext does: a fork continues its parent's lineage, not the current one.
    if (op.op == "fork" && saved.count(entry["from"].get<std::string>())) lineage = saved[entry["from"].get<std::string>()];
    lineage.push_back(entry);
    if (op.op == "fork" || op.op == "save_checkpoint") saved[entry["tag"].get<std::string>()] = lineage;
  }
  return lineage;
}

}  // namespace acc
