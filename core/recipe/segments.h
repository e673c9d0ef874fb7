// Segments: a recipe cut into pieces that separate processes can run (acc plan, make -j).
//
// A new segment starts at every `fork` op, at every `create_model` op after the first (the
// first builds the trunk's model) and at every `compare` op; the run of `phase`, `log`,
// `set_seed` and `load_dataset` ops just before that op moves with it. The first segment,
// the trunk, creates the run directory. Every other segment needs the trunk and, for a
// fork, the segment that created the node it forks. A fork restores its parent's state
// bitwise (weights, optimiser, RNG), so a fork segment run alone computes exactly what a
// sequential run does; a later create_model's weights would depend on the RNG left by the
// ops before it, so its segment must begin with `set_seed`. A compare reads other nodes:
// it waits for the segments that make them (all earlier ones when it names none, and then
// every later segment waits for it), and only ops that need no model state may follow it
// in its segment.
#pragma once

#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "recipe/recipe.h"

namespace acc {

struct Segment {
  std::string name;                  // the first tag it creates (safe for make), or trunk / segment_<k>
  size_t begin = 0, end = 0;         // ops [begin, end) of the expanded recipe
  std::vector<std::string> depends;  // segment names, trunk first; empty for the trunk
  std::vector<std::string> tags;     // nodes it creates
};

// The recipe's segments in recipe order (each depends only on earlier ones). acc::Error
// naming the op's line for a create_model segment without set_seed.
// `implicit_tags` (Plan::implicit_tags, from plan_recipe): nodes ops save without naming them
// in their fields — a train op's epoch nodes — so a fork from `<branch>_epoch_<E>` waits for
// the segment that trains it.
std::vector<Segment> split_segments(const Recipe& recipe,
                                    const std::map<size_t, std::vector<std::string>>& implicit_tags = {});
// acc::Error listing the names when there is no segment `name`.
const Segment& find_segment(const std::vector<Segment>& segments, const std::string& name);
// The lineage a sequential run holds when it reaches op `index` (what the context's
// lineage would be), so a segment's nodes record exactly the lineage they would have.
nlohmann::json lineage_before(const Recipe& recipe, size_t index);

}  // namespace acc
