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

}  // namespace

std::vector<Segment> split_segments(const Recipe& recipe) {
  const auto& ops = recipe.ops;
  std::vector<size_t> starts = {0};
  std::vector<size_t> heads = {0};  // the fork/create_model that opens each segment
  bool model_seen = false;
  for (size_t i = 0; i < ops.size(); ++i) {
    const bool opens = ops[i].op == "fork" || (ops[i].op == "create_model" && model_seen);
    model_seen = model_seen || ops[i].op == "create_model";
    if (!opens) continue;
    size_t start = i;
    while (start > starts.back() + 1 && travels_with_next(ops[start - 1].op)) --start;
    starts.push_back(start);
    heads.push_back(i);
  }

  std::vector<Segment> segments;
  std::map<std::string, std::string> made_by;  // tag -> segment name
  std::set<std::string> names = {"all", "clean", "help"};  // make targets of the Makefile itself
  for (size_t k = 0; k < starts.size(); ++k) {
    Segment s;
    s.begin = starts[k];
    s.end = k + 1 < starts.size() ? starts[k + 1] : ops.size();
    for (size_t i = s.begin; i < s.end; ++i)
      if (ops[i].op == "fork" || ops[i].op == "save_checkpoint") s.tags.push_back(tag_of(ops[i]));
    std::string name = s.tags.empty() ? "" : safe_name(s.tags.front());
    if (name.empty()) name = k == 0 ? "trunk" : "segment_" + std::to_string(k);
    s.name = name;
    for (int n = 2; names.count(s.name); ++n) s.name = name + "-" + std::to_string(n);
    names.insert(s.name);

    if (k > 0) {
      const RecipeOp& head = ops[heads[k]];
      s.depends.push_back(segments.front().name);
      if (head.op == "fork") {
        const auto from = head.fields.value("from", nlohmann::json());
        auto it = made_by.find(from.is_string() ? from.get<std::string>() : from.dump());
        if (it == made_by.end())
          throw Error(head.where() + ": field 'from': no node tagged " + from.dump() + " is saved before this op");
        if (it->second != s.depends.front()) s.depends.push_back(it->second);
      } else {
        const bool seeded = std::any_of(ops.begin() + static_cast<std::ptrdiff_t>(s.begin),
                                        ops.begin() + static_cast<std::ptrdiff_t>(heads[k]),
                                        [](const RecipeOp& op) { return op.op == "set_seed"; });
        if (!seeded)
          throw Error(head.where() + ": acc plan runs this model in a process of its own, so its weights must not "
                      "depend on the ops before it; add `- op: set_seed` (with a seed) right before it");
      }
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
