// Typed, documented option tables: the one mechanism that checks recipe fields, model
// options, dataset options and task options. Each table row names a field, its type, its
// default and a sentence of documentation; the recipe reference (docs/recipes.md) is
// generated from the same rows, so the docs cannot drift from the code.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace acc {

enum class OptionType { kInt, kFloat, kBool, kString, kSlice, kList, kMap, kAny };

struct OptionSpec {
  std::string name;
  OptionType type;
  bool required = false;
  nlohmann::json default_value = nullptr;  // used when not required and not given
  std::string doc;
};

std::string option_type_name(OptionType type);

// Checks `given` (a JSON object) against `specs`: unknown fields are refused (listing the
// valid ones), required fields must be present, types must match (an int is accepted where
// a float is expected), slices must be [start, end) with 0 <= start < end. Returns the
// object with defaults filled in. Errors are acc::Error "<where>: field '<f>': <problem>".
nlohmann::json resolve_options(const std::vector<OptionSpec>& specs, const nlohmann::json& given,
                               const std::string& where);

// Markdown table of the specs (the recipe reference, docs/recipes.md).
std::string options_markdown(const std::vector<OptionSpec>& specs);

}  // namespace acc
