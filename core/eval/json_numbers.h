// Numbers in artifact JSON: rounded to a fixed number of significant digits so files are
// compact (a 70,000-point projection is megabytes, not tens of megabytes) and identical for
// identical inputs. NaN and infinities become null (JSON has no spelling for them).
#pragma once

#include <torch/torch.h>

#include <nlohmann/json.hpp>

namespace acc {

inline constexpr int kArtifactDigits = 6;

double round_significant(double value, int digits = kArtifactDigits);
nlohmann::json json_number(double value, int digits = kArtifactDigits);
// Flat array of a tensor's values in row-major order (integer tensors stay integers).
nlohmann::json json_flat(const torch::Tensor& t, int digits = kArtifactDigits);
// Nested arrays following the tensor's shape ([[...], ...] for a matrix).
nlohmann::json json_nested(const torch::Tensor& t, int digits = kArtifactDigits);

}  // namespace acc
