// Recipe: a YAML program over the checkpoint tree.
//
//   name: quickstart
//   description: ...
//   seed: 42                # seeds the torch generator at run start (default 0)
//   vars: {steps: 3000}     # defaults; `--set steps=50` overrides; used as ${steps}
//   ops:
//     - op: load_dataset
//       name: mnist
//     - op: train
//       steps: ${steps}
//
// Parsing turns YAML into typed JSON (ints, floats, bools, strings; quoted scalars stay
// strings), substitutes ${var} everywhere in ops (a scalar that is exactly "${v}" takes v's
// type), and keeps each op's line number for error messages. Op semantics live in ops.h.
//
// Two sugar ops expand here into plain ops (`acc run --dry-run` shows the expansion):
//   - op: branches            # one fork per branch, then the branch's ops
//     from: root
//     branches:
//       - {tag: a, ops: [...]}
//       - {tag: b, ops: [...]}
//   - op: repeat              # one copy of ops per grid combination, vars bound
//     grid: {seed: [42, 123, 456]}
//     from: root              # optional: fork each copy from this node ...
//     tag: "seed_${seed}"     # ... under this tag
//     ops: [...]
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace acc {

struct RecipeOp {
  std::string op;
  nlohmann::json fields = nlohmann::json::object();  // every key except "op"
  std::string file;
  int line = 0;  // 1-based
  std::string origin;  // the sugar op it was expanded from ("branch 'a' of branches at line 9"), or empty
  // "recipes/quickstart.yaml:12: train" — prefix for every error about this op.
  std::string where() const;
  nlohmann::json to_json() const;  // {"op": ..., fields...}
};

struct Recipe {
  std::string path;
  std::string name;
  std::string description;
  int64_t seed = 0;
  nlohmann::json vars = nlohmann::json::object();  // resolved: defaults with overrides
  std::vector<RecipeOp> ops;
  std::string text;  // the YAML as read (copied into the run directory)
  nlohmann::json to_json() const;  // resolved recipe for config.json
};

// Parses YAML text; `overrides` are --set name=value pairs (values typed like YAML
// scalars). acc::Error "<path>:<line>: <problem>" on malformed YAML, unknown top-level
// keys, unknown ${var}, --set of a var the recipe does not define, or an op without `op`.
Recipe parse_recipe(const std::string& text, const std::string& path,
                    const std::map<std::string, std::string>& overrides = {});
// Reads the file fresh (acc::Error if missing) and parses it.
Recipe load_recipe(const std::string& path, const std::map<std::string, std::string>& overrides = {});
// Parses a YAML value given on the command line ("50", "[1, 2]", "{task: kl, dataset: m}")
// into typed JSON, as recipe values are typed. acc::Error prefixed with `where`.
nlohmann::json parse_yaml_value(const std::string& text, const std::string& where);
// Splits "name=value" (acc::Error on a missing '=').
std::pair<std::string, std::string> parse_set_override(const std::string& assignment);

}  // namespace acc
