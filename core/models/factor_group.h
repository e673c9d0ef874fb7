// FactorGroup: a named, contiguous slice [start, end) of a factor-slot model's latent
// ("digit" = [0, 4)). Kept apart from the model so traversals, sort-by-activation and
// recipes can work per group without including the model. A valid layout partitions
// [0, latent_dim) in order: the first group starts at 0, each next group starts where the
// previous one ends, no group is empty, and names are unique and made of letters, digits,
// '_' and '-' (they name modules such as heads.<name> and metrics).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace acc {

struct FactorGroup {
  std::string name;
  int64_t start = 0;
  int64_t end = 0;  // exclusive
  int64_t size() const { return end - start; }
  bool operator==(const FactorGroup& o) const {
    return name == o.name && start == o.start && end == o.end;
  }
};

// Parses and validates a JSON list of maps {name, start, end}. acc::Error beginning
// "field 'groups': " names the offending group and says what is wrong (gap, overlap, not
// starting at 0, empty, duplicate or missing name, unknown key).
std::vector<FactorGroup> factor_groups_from_json(const nlohmann::json& groups);
nlohmann::json factor_groups_to_json(const std::vector<FactorGroup>& groups);

// Throws acc::Error (as above) unless `groups` is a valid layout.
void validate_factor_groups(const std::vector<FactorGroup>& groups);

// Sum of the group sizes = the last group's end for a valid layout.
int64_t factor_groups_latent_dim(const std::vector<FactorGroup>& groups);

}  // namespace acc
