// The default bound on a watched feature's trajectory (points kept; see trajectories.h).
#pragma once

#include <cstddef>

namespace acc {

inline constexpr size_t kTrajectoryCap = 2000;

}  // namespace acc
