// Named activation hooks; see activation_taps.h.
#include "models/activation_taps.h"

#include <algorithm>

#include "error.h"

namespace acc {

bool ActivationTaps::has(const std::string& point) const {
  return std::find(points_.begin(), points_.end(), point) != points_.end();
}

std::string ActivationTaps::point_names() const {
  std::string out;
  for (const auto& p : points_) out += (out.empty() ? "" : ", ") + p;
  return out.empty() ? "(none: this model declares no activation points)" : out;
}

int64_t ActivationTaps::add(const std::string& point, Hook hook, bool first) {
  if (!has(point))
    throw Error("layer '" + point + "' has no activation point in this model; valid layers: " + point_names());
  Entry entry{next_handle_, point, std::move(hook)};
  if (first) hooks_.insert(hooks_.begin(), std::move(entry));
  else hooks_.push_back(std::move(entry));
  return next_handle_++;
}

void ActivationTaps::remove(int64_t handle) {
  hooks_.erase(std::remove_if(hooks_.begin(), hooks_.end(), [&](const Entry& e) { return e.handle == handle; }),
               hooks_.end());
}

void ActivationTaps::run(const char* point, const torch::Tensor& activation) const {
  for (const auto& e : hooks_)
    if (e.point == point) e.hook(activation);
}

}  // namespace acc
