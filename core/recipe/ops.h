// Recipe ops: ONE table (op_registry() in ops.cpp); adding an op is one row there.
// Each op declares its fields (checked and documented from the same rows), optionally the
// type-specific fields it accepts (a dataset source's, model's or task type's options,
// written flat in the op), a plan step (validate + describe, the dry run) and an execute
// step (the real run).
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "recipe/context.h"
#include "util/options.h"

namespace acc {

struct OpDef {
  std::string name;
  std::string description;
  std::vector<OptionSpec> fields;
  // Names the registry whose options may also appear in the op ("dataset", "model",
  // "task"), or empty. Given the op's raw fields, returns those extra option specs.
  std::string extra_fields_from;
  std::function<std::vector<OptionSpec>(const RecipeOp& op)> extra_fields;
  // fields: the op's fields resolved against fields + extra fields (defaults filled).
  std::function<void(const RecipeOp& op, const nlohmann::json& fields, Plan& plan)> plan;
  std::function<void(const RecipeOp& op, const nlohmann::json& fields, RecipeContext& ctx)> execute;
};

const std::vector<OpDef>& op_registry();
const OpDef* find_op(const std::string& name);
std::string op_names();
// Checks an op's name and fields; returns the resolved fields.
nlohmann::json resolve_op_fields(const RecipeOp& op);

}  // namespace acc
