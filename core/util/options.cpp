// Option-table checking shared by recipe ops, models, datasets and tasks.
#include "util/options.h"

#include <sstream>

#include "error.h"

namespace acc {

std::string option_type_name(OptionType type) {
  switch (type) {
    case OptionType::kInt: return "int";
    case OptionType::kFloat: return "float";
    case OptionType::kBool: return "bool";
    case OptionType::kString: return "string";
    case OptionType::kSlice: return "slice [start, end)";
    case OptionType::kList: return "list";
    case OptionType::kMap: return "map";
    case OptionType::kAny: return "any";
  }
  return "?";
}

namespace {

bool matches(OptionType type, const nlohmann::json& v) {
  switch (type) {
    case OptionType::kInt: return v.is_number_integer();
    case OptionType::kFloat: return v.is_number();
    case OptionType::kBool: return v.is_boolean();
    case OptionType::kString: return v.is_string();
    case OptionType::kList: return v.is_array();
    case OptionType::kMap: return v.is_object();
    case OptionType::kAny: return true;
    case OptionType::kSlice:
      return v.is_array() && v.size() == 2 && v[0].is_number_integer() &&
             v[1].is_number_integer();
  }
  return false;
}

std::string valid_names(const std::vector<OptionSpec>& specs) {
  std::string out;
  for (const auto& s : specs) out += (out.empty() ? "" : ", ") + s.name;
  return out.empty() ? "(none)" : out;
}

}  // namespace

nlohmann::json resolve_options(const std::vector<OptionSpec>& specs, const nlohmann::json& given,
                               const std::string& where) {
  const std::string prefix = where.empty() ? "" : where + ": ";
  if (!given.is_null() && !given.is_object())
    throw Error(prefix + "expected a map of fields, got " + given.dump());
  nlohmann::json out = nlohmann::json::object();
  if (given.is_object()) {
    for (const auto& [key, value] : given.items()) {
      const OptionSpec* spec = nullptr;
      for (const auto& s : specs)
        if (s.name == key) spec = &s;
      if (!spec)
        throw Error(prefix + "unknown field '" + key + "'; valid fields: " + valid_names(specs));
      if (!matches(spec->type, value))
        throw Error(prefix + "field '" + key + "' must be " + option_type_name(spec->type) +
                    ", got " + value.dump());
      if (spec->type == OptionType::kSlice) {
        const int64_t start = value[0], end = value[1];
        if (start < 0 || end <= start)
          throw Error(prefix + "field '" + key + "' = " + value.dump() +
                      " is not a slice [start, end) with 0 <= start < end");
      }
      // Normalise ints given for floats so configs serialise uniformly.
      out[key] = (spec->type == OptionType::kFloat) ? nlohmann::json(value.get<double>()) : value;
    }
  }
  for (const auto& s : specs) {
    if (out.contains(s.name)) continue;
    if (s.required)
      throw Error(prefix + "missing required field '" + s.name + "' (" + s.doc + ")");
    if (!s.default_value.is_null()) out[s.name] = s.default_value;
  }
  return out;
}

std::string options_markdown(const std::vector<OptionSpec>& specs) {
  if (specs.empty()) return "_no fields_\n";
  std::ostringstream os;
  os << "| field | type | default | meaning |\n|---|---|---|---|\n";
  for (const auto& s : specs) {
    std::string def = s.required ? "**required**"
                      : s.default_value.is_null() ? "—"
                                                  : "`" + s.default_value.dump() + "`";
    os << "| `" << s.name << "` | " << option_type_name(s.type) << " | " << def << " | " << s.doc
       << " |\n";
  }
  return os.str();
}

}  // namespace acc
