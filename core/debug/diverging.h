// Blue-white-red colouring of signed values for the debugger's images: −1 blue, 0 white,
// +1 red (values are clamped to [−1, 1]; scale them first).
#pragma once

#include <torch/torch.h>

namespace acc {

// values [H, W] -> RGB [3, H, W] in [0, 1].
inline torch::Tensor diverging_rgb(const torch::Tensor& values) {
  const torch::Tensor v = values.to(torch::kFloat).clamp(-1, 1);
  const torch::Tensor pos = v.clamp_min(0), neg = (-v).clamp_min(0);
  // red = 1 - neg, green = 1 - |v|, blue = 1 - pos
  return torch::stack({1 - neg, 1 - pos - neg, 1 - pos});
}

}  // namespace acc
