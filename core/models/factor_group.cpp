// Factor group layouts: JSON conversion and validation, with errors that name the group.
#include "models/factor_group.h"

#include <cctype>
#include <map>

#include "error.h"

namespace acc {
namespace {

const std::string kField = "field 'groups': ";

std::string describe(const FactorGroup& g) {
  return "group '" + g.name + "' [" + std::to_string(g.start) + ", " + std::to_string(g.end) + ")";
}

FactorGroup group_from_json(const nlohmann::json& j, size_t index) {
  const std::string which = "group " + std::to_string(index);
  if (!j.is_object())
    throw Error(kField + which + " must be a map {name, start, end}, got " + j.dump());
  for (const auto& [key, value] : j.items())
    if (key != "name" && key != "start" && key != "end")
      throw Error(kField + which + " has unknown key '" + key + "'; valid keys: name, start, end");
  if (!j.contains("name") || !j["name"].is_string())
    throw Error(kField + which + " needs a string 'name', got " + j.dump());
  for (const char* key : {"start", "end"})
    if (!j.contains(key) || !j[key].is_number_integer())
      throw Error(kField + which + " ('" + j["name"].get<std::string>() + "') needs an integer '" +
                  key + "', got " + j.dump());
  return {j["name"].get<std::string>(), j["start"].get<int64_t>(), j["end"].get<int64_t>()};
}

}  // namespace

void validate_factor_groups(const std::vector<FactorGroup>& groups) {
  if (groups.empty()) throw Error(kField + "must list at least one group {name, start, end}");
  std::map<std::string, size_t> seen;
  for (size_t i = 0; i < groups.size(); ++i) {
    const FactorGroup& g = groups[i];
    if (g.name.empty())
      throw Error(kField + "group " + std::to_string(i) + " [" + std::to_string(g.start) + ", " +
                  std::to_string(g.end) + ") has an empty name");
    for (char c : g.name)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-')
        throw Error(kField + "group name '" + g.name +
                    "' may use only letters, digits, '_' and '-' (it names modules and "
                    "metrics)");
    if (auto it = seen.find(g.name); it != seen.end())
      throw Error(kField + "duplicate group name '" + g.name + "' (groups " +
                  std::to_string(it->second) + " and " + std::to_string(i) +
                  "); names must be unique");
    seen[g.name] = i;
    if (g.end <= g.start)
      throw Error(kField + describe(g) + " is empty; 'end' must be greater than 'start'");
    if (i == 0) {
      if (g.start != 0)
        throw Error(kField + "first " + describe(g) + " must start at 0; the groups partition " +
                    "the latent [0, latent_dim) in order");
      continue;
    }
    const FactorGroup& prev = groups[i - 1];
    if (g.start > prev.end)
      throw Error(kField + describe(g) + " leaves a gap after " + describe(prev) +
                  "; it must start at " + std::to_string(prev.end) +
                  " (groups are contiguous, listed in order)");
    if (g.start < prev.end)
      throw Error(kField + describe(g) + " overlaps " + describe(prev) + "; it must start at " +
                  std::to_string(prev.end) + " (groups do not overlap, listed in order)");
  }
}

std::vector<FactorGroup> factor_groups_from_json(const nlohmann::json& groups) {
  if (!groups.is_array())
    throw Error(kField + "must be a list of maps {name, start, end}, got " + groups.dump());
  std::vector<FactorGroup> out;
  for (size_t i = 0; i < groups.size(); ++i) out.push_back(group_from_json(groups[i], i));
  validate_factor_groups(out);
  return out;
}

nlohmann::json factor_groups_to_json(const std::vector<FactorGroup>& groups) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& g : groups)
    out.push_back({{"name", g.name}, {"start", g.start}, {"end", g.end}});
  return out;
}

int64_t factor_groups_latent_dim(const std::vector<FactorGroup>& groups) {
  int64_t total = 0;
  for (const auto& g : groups) total += g.size();
  return total;
}

}  // namespace acc
