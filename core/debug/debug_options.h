// How `acc run` attaches the debugger (docs/debugger.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "debug/trajectories_cap.h"

namespace acc {

struct DebugOptions {
  int64_t pause_at = -1;            // pause when a branch first reaches this global step
  std::vector<std::string> layers;  // empty: the gated layers, else the model's first activation point
  size_t trajectory_cap = kTrajectoryCap;
};

}  // namespace acc
