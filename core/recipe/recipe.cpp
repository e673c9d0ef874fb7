// YAML -> typed JSON recipe parsing with ${var} substitution; see recipe.h.
#include "recipe/recipe.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "error.h"

namespace acc {

namespace {

// Types a plain YAML scalar as YAML 1.2's core schema would: int, float, bool, null,
// otherwise string.
nlohmann::json typed_scalar(const std::string& s) {
  static const std::regex int_re(R"([-+]?[0-9]+)");
  static const std::regex float_re(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  if (std::regex_match(s, int_re)) {
    errno = 0;
    const long long v = std::strtoll(s.c_str(), nullptr, 10);
    if (errno == 0) return v;
  }
  if (std::regex_match(s, float_re)) return std::strtod(s.c_str(), nullptr);
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (s == "null" || s == "~" || s == "Null" || s == "NULL" || s.empty()) return nullptr;
  return s;
}

std::string location(const std::string& path, const YAML::Node& node) {
  return path + ":" + std::to_string(node.Mark().line + 1);
}

nlohmann::json to_json(const YAML::Node& node, const std::string& path) {
  switch (node.Type()) {
    case YAML::NodeType::Null: return nullptr;
    case YAML::NodeType::Scalar:
      // Quoted scalars carry the "!" tag: keep them strings ("42" stays a string).
      return node.Tag() == "!" ? nlohmann::json(node.Scalar()) : typed_scalar(node.Scalar());
    case YAML::NodeType::Sequence: {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& item : node) arr.push_back(to_json(item, path));
      return arr;
    }
    case YAML::NodeType::Map: {
      nlohmann::json obj = nlohmann::json::object();
      for (const auto& kv : node) obj[kv.first.as<std::string>()] = to_json(kv.second, path);
      return obj;
    }
    default: throw Error(location(path, node) + ": unsupported YAML node");
  }
}

std::string var_names(const nlohmann::json& vars) {
  std::string out;
  for (const auto& [k, v] : vars.items()) out += (out.empty() ? "" : ", ") + k;
  return out.empty() ? "(none)" : out;
}

// Replaces ${name} in every string of `value`. A string that is exactly one reference
// takes the variable's own type, so `steps: ${steps}` stays an int.
nlohmann::json substitute(const nlohmann::json& value, const nlohmann::json& vars, const std::string& where) {
  static const std::regex ref_re(R"(\$\{([A-Za-z_][A-Za-z0-9_]*)\})");
  if (value.is_string()) {
    const std::string s = value.get<std::string>();
    std::smatch m;
    auto lookup = [&](const std::string& name) -> const nlohmann::json& {
      if (!vars.contains(name))
        throw Error(where + ": unknown variable '${" + name + "}'; this recipe's vars are: " + var_names(vars) +
                    " (define it under vars:)");
      return vars[name];
    };
    if (std::regex_match(s, m, ref_re)) return lookup(m[1]);
    std::string out;
    auto begin = s.cbegin();
    while (std::regex_search(begin, s.cend(), m, ref_re)) {
      out.append(begin, m[0].first);
      const auto& v = lookup(m[1]);
      out += v.is_string() ? v.get<std::string>() : v.dump();
      begin = m[0].second;
    }
    out.append(begin, s.cend());
    return out;
  }
  if (value.is_array()) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& v : value) arr.push_back(substitute(v, vars, where));
    return arr;
  }
  if (value.is_object()) {
    nlohmann::json obj = nlohmann::json::object();
    for (const auto& [k, v] : value.items()) obj[k] = substitute(v, vars, where);
    return obj;
  }
  return value;
}

void expand_ops(const YAML::Node& ops, const nlohmann::json& vars, const std::string& path,
                const std::string& origin, std::vector<RecipeOp>& out);

// One plain op from its YAML map.
RecipeOp plain_op(const YAML::Node& node, const nlohmann::json& vars, const std::string& path,
                  const std::string& origin) {
  RecipeOp op;
  op.file = path;
  op.line = node.Mark().line + 1;
  op.origin = origin;
  op.op = node["op"].Scalar();
  for (const auto& kv : node) {
    const std::string key = kv.first.as<std::string>();
    if (key == "op") continue;
    op.fields[key] = substitute(to_json(kv.second, path), vars, location(path, kv.second) + ": " + op.op);
  }
  return op;
}

// A sugar op's own field (substituted), or acc::Error naming it.
nlohmann::json sugar_field(const YAML::Node& node, const char* key, const nlohmann::json& vars,
                           const std::string& path, bool required) {
  if (!node[key]) {
    if (required) throw Error(location(path, node) + ": " + node["op"].Scalar() + ": missing field '" + key + "'");
    return nullptr;
  }
  return substitute(to_json(node[key], path), vars, location(path, node[key]));
}

void check_sugar_keys(const YAML::Node& node, const std::string& path, std::initializer_list<const char*> keys) {
  for (const auto& kv : node) {
    const std::string key = kv.first.as<std::string>();
    if (key == "op") continue;
    if (std::none_of(keys.begin(), keys.end(), [&](const char* k) { return key == k; })) {
      std::string valid;
      for (const char* k : keys) valid += (valid.empty() ? "" : ", ") + std::string(k);
      throw Error(location(path, kv.first) + ": " + node["op"].Scalar() + ": unknown field '" + key +
                  "'; valid fields: " + valid);
    }
  }
}

// branches: {from, branches: [{tag, ops}]} -> per branch: fork(from -> tag) + its ops.
void expand_branches(const YAML::Node& node, const nlohmann::json& vars, const std::string& path,
                     std::vector<RecipeOp>& out) {
  check_sugar_keys(node, path, {"from", "branches"});
  const nlohmann::json from = sugar_field(node, "from", vars, path, true);
  const YAML::Node branches = node["branches"];
  if (!branches || !branches.IsSequence() || branches.size() == 0)
    throw Error(location(path, node) + ": branches: 'branches' must be a list of {tag, ops}");
  for (const auto& branch : branches) {
    if (!branch.IsMap() || !branch["tag"] || !branch["ops"] || !branch["ops"].IsSequence())
      throw Error(location(path, branch) + ": branches: each branch is a map with 'tag' and 'ops' (a list)");
    const nlohmann::json tag = substitute(to_json(branch["tag"], path), vars, location(path, branch["tag"]));
    const std::string origin = "branch '" + (tag.is_string() ? tag.get<std::string>() : tag.dump()) +
                               "' of branches at line " + std::to_string(node.Mark().line + 1);
    RecipeOp fork;
    fork.op = "fork";
    fork.file = path;
    fork.line = branch.Mark().line + 1;
    fork.origin = origin;
    fork.fields = {{"from", from}, {"tag", tag}};
    out.push_back(fork);
    expand_ops(branch["ops"], vars, path, origin, out);
  }
}

// repeat: {grid: {var: [values], ...}, from?, tag?, ops} -> one copy of ops per combination
// (cartesian product in the order written) with the grid vars bound; with `from`, each copy starts
// with fork(from -> tag).
void expand_repeat(const YAML::Node& node, const nlohmann::json& vars, const std::string& path,
                   std::vector<RecipeOp>& out) {
  check_sugar_keys(node, path, {"grid", "from", "tag", "ops"});
  const nlohmann::json grid = sugar_field(node, "grid", vars, path, true);
  const nlohmann::json from = sugar_field(node, "from", vars, path, false);
  if (!grid.is_object() || grid.empty())
    throw Error(location(path, node) + ": repeat: 'grid' must be a map of var: [values], e.g. {seed: [42, 123]}");
  for (const auto& [name, values] : grid.items())
    if (!values.is_array() || values.empty())
      throw Error(location(path, node) + ": repeat: grid var '" + name + "' must be a non-empty list");
  if (!from.is_null() && !node["tag"])
    throw Error(location(path, node) + ": repeat: with 'from', give a 'tag' template such as \"seed_${seed}\"");
  if (!node["ops"] || !node["ops"].IsSequence())
    throw Error(location(path, node) + ": repeat: 'ops' must be a list");

  // Vars in the order written (JSON objects sort their keys; the YAML map keeps the order).
  std::vector<std::string> names;
  if (node["grid"].IsMap())
    for (const auto& kv : node["grid"]) names.push_back(kv.first.as<std::string>());
  else
    for (const auto& [name, values] : grid.items()) names.push_back(name);
  std::vector<size_t> index(names.size(), 0);
  while (true) {
    nlohmann::json item_vars = vars;
    std::string label;
    for (size_t k = 0; k < names.size(); ++k) {
      const auto& v = grid[names[k]][index[k]];
      item_vars[names[k]] = v;
      label += (label.empty() ? "" : ", ") + names[k] + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
    }
    const std::string origin = "repeat " + label + " at line " + std::to_string(node.Mark().line + 1);
    if (!from.is_null()) {
      RecipeOp fork;
      fork.op = "fork";
      fork.file = path;
      fork.line = node.Mark().line + 1;
      fork.origin = origin;
      fork.fields = {{"from", from},
                     {"tag", substitute(to_json(node["tag"], path), item_vars, location(path, node["tag"]))}};
      out.push_back(fork);
    }
    expand_ops(node["ops"], item_vars, path, origin, out);
    // Advance the odometer (last var fastest).
    size_t k = names.size();
    while (k > 0 && ++index[k - 1] == grid[names[k - 1]].size()) index[--k] = 0;
    if (k == 0) break;
  }
}

void expand_ops(const YAML::Node& ops, const nlohmann::json& vars, const std::string& path,
                const std::string& origin, std::vector<RecipeOp>& out) {
  for (const auto& node : ops) {
    if (!node.IsMap() || !node["op"] || !node["op"].IsScalar())
      throw Error(location(path, node) + ": each entry under ops: is a map with an 'op:' field, e.g. '- op: train'");
    const std::string name = node["op"].Scalar();
    if (name == "branches") expand_branches(node, vars, path, out);
    else if (name == "repeat") expand_repeat(node, vars, path, out);
    else out.push_back(plain_op(node, vars, path, origin));
  }
}

}  // namespace

std::string RecipeOp::where() const { return file + ":" + std::to_string(line) + ": " + op; }

nlohmann::json RecipeOp::to_json() const {
  nlohmann::json j = fields;
  j["op"] = op;
  return j;
}

nlohmann::json Recipe::to_json() const {
  nlohmann::json ops_json = nlohmann::json::array();
  for (const auto& op : ops) ops_json.push_back(op.to_json());
  return {{"path", path}, {"name", name}, {"description", description},
          {"seed", seed}, {"vars", vars}, {"ops", ops_json}};
}

nlohmann::json parse_yaml_value(const std::string& text, const std::string& where) {
  try {
    return to_json(YAML::Load(text), where);
  } catch (const YAML::Exception& e) {
    throw Error(where + ": '" + text + "' is not a valid value (" + e.msg + ")");
  }
}

std::pair<std::string, std::string> parse_set_override(const std::string& assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw Error("--set '" + assignment + "': expected name=value, for example --set steps=50");
  return {assignment.substr(0, eq), assignment.substr(eq + 1)};
}

Recipe parse_recipe(const std::string& text, const std::string& path,
                    const std::map<std::string, std::string>& overrides) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw Error(path + ":" + std::to_string(e.mark.line + 1) + ": malformed YAML: " + e.msg);
  }
  if (!root.IsMap()) throw Error(path + ": a recipe is a YAML map with name, description, vars and ops");

  static const std::set<std::string> top_keys = {"name", "description", "seed", "vars", "ops"};
  for (const auto& kv : root) {
    const std::string key = kv.first.as<std::string>();
    if (!top_keys.count(key))
      throw Error(location(path, kv.first) + ": unknown top-level key '" + key +
                  "'; valid keys: name, description, seed, vars, ops");
  }
  Recipe recipe;
  recipe.path = path;
  recipe.text = text;
  if (!root["name"] || !root["name"].IsScalar()) throw Error(path + ": missing 'name:' (a short identifier for the recipe)");
  recipe.name = root["name"].Scalar();
  if (root["description"]) recipe.description = root["description"].Scalar();

  if (root["vars"]) {
    if (!root["vars"].IsMap()) throw Error(location(path, root["vars"]) + ": 'vars' must be a map of name: default");
    recipe.vars = to_json(root["vars"], path);
  }
  for (const auto& [name, value] : overrides) {
    if (!recipe.vars.contains(name))
      throw Error("--set " + name + ": recipe " + path + " defines no var '" + name + "'; its vars are: " +
                  var_names(recipe.vars));
    recipe.vars[name] = parse_yaml_value(value, "--set " + name);  // lists work: --set seeds=[1,2]
  }

  if (root["seed"]) {
    const auto seed = substitute(to_json(root["seed"], path), recipe.vars, location(path, root["seed"]));
    if (!seed.is_number_integer()) throw Error(location(path, root["seed"]) + ": 'seed' must be an integer");
    recipe.seed = seed.get<int64_t>();
  }

  const YAML::Node ops = root["ops"];
  if (!ops || !ops.IsSequence() || ops.size() == 0)
    throw Error(path + ": missing 'ops:' — a recipe needs a list of ops (see the recipe reference, docs/recipes.md)");
  expand_ops(ops, recipe.vars, path, "", recipe.ops);
  return recipe;
}

Recipe load_recipe(const std::string& path, const std::map<std::string, std::string>& overrides) {
  std::ifstream in(path);
  if (!in) throw Error(path + ": recipe not found (list the built-in ones with `acc recipes`)");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_recipe(ss.str(), path, overrides);
}

}  // namespace acc
