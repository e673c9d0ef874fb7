// Rounded JSON numbers; see json_numbers.h.
#include "eval/json_numbers.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace acc {

double round_significant(double value, int digits) {
  if (!std::isfinite(value) || value == 0) return value;
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.*g", digits, value);
  return std::strtod(buffer, nullptr);
}

nlohmann::json json_number(double value, int digits) {
  if (!std::isfinite(value)) return nullptr;
  return round_significant(value, digits);
}

nlohmann::json json_flat(const torch::Tensor& t, int digits) {
  nlohmann::json out = nlohmann::json::array();
  if (!t.defined()) return out;
  const auto flat = t.detach().to(torch::kCPU).contiguous().reshape({-1});
  const int64_t n = flat.numel();
  auto& array = out.get_ref<nlohmann::json::array_t&>();
  array.reserve(static_cast<size_t>(n));
  if (!flat.is_floating_point()) {
    const auto ints = flat.to(torch::kLong);
    const auto* p = ints.data_ptr<int64_t>();
    for (int64_t i = 0; i < n; ++i) array.emplace_back(p[i]);
    return out;
  }
  const auto doubles = flat.to(torch::kDouble);
  const auto* p = doubles.data_ptr<double>();
  for (int64_t i = 0; i < n; ++i) array.push_back(json_number(p[i], digits));
  return out;
}

nlohmann::json json_nested(const torch::Tensor& t, int digits) {
  if (t.dim() <= 1) return json_flat(t, digits);
  nlohmann::json out = nlohmann::json::array();
  for (int64_t i = 0; i < t.size(0); ++i) out.push_back(json_nested(t[i], digits));
  return out;
}

}  // namespace acc
