// YAML -> typed JSON recipe parsing with ${var} substitution; see recipe.h.
#include "recipe/recipe.h"

#include <yaml-cpp/yaml.h>

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
    recipe.vars[name] = typed_scalar(value);
  }

  if (root["seed"]) {
    const auto seed = substitute(to_json(root["seed"], path), recipe.vars, location(path, root["seed"]));
    if (!seed.is_number_integer()) throw Error(location(path, root["seed"]) + ": 'seed' must be an integer");
    recipe.seed = seed.get<int64_t>();
  }

  const YAML::Node ops = root["ops"];
  if (!ops || !ops.IsSequence() || ops.size() == 0)
    throw Error(path + ": missing 'ops:' — a recipe needs a list of ops (see the README's recipe reference)");
  for (const auto& node : ops) {
    RecipeOp op;
    op.file = path;
    op.line = node.Mark().line + 1;
    const std::string here = location(path, node);
    if (!node.IsMap() || !node["op"] || !node["op"].IsScalar())
      throw Error(here + ": each entry under ops: is a map with an 'op:' field, e.g. '- op: train'");
    op.op = node["op"].Scalar();
    for (const auto& kv : node) {
      const std::string key = kv.first.as<std::string>();
      if (key == "op") continue;
      op.fields[key] = substitute(to_json(kv.second, path), recipe.vars, location(path, kv.second) + ": " + op.op);
    }
    recipe.ops.push_back(std::move(op));
  }
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
