// The force view of a first layer (a Linear on the flattened image, or a Conv2d on the
// image): per feature, its weight and three updates of this step —
//   plain   = −lr·∇W with the layer's own gate removed,
//   gated   = −lr·∇W as gated (what the gradient asked for),
//   applied = W_after − W_before (what Adam did) —
// as sprite sheets of per-feature tiles, and how the plain and gated directions agree.
#pragma once

#include <torch/torch.h>

#include <nlohmann/json.hpp>

namespace acc {

struct ForceView {
  nlohmann::json json;  // {tile, sheet, features: [...], summary}; "layer"/"images" added by the writer
  torch::Tensor weight_sheet, plain_sheet, gated_sheet, applied_sheet;  // RGB [3, H, W]
};

// Cosines within ±kForceNeutral count as neither agreeing nor opposing.
inline constexpr double kForceNeutral = 0.01;

// weight, plain, gated, applied: [C, ...] with the same shape. `tile_h` x `tile_w` is how one
// feature's row is drawn (28x28 for a linear layer on MNIST; the kernel for a conv).
ForceView force_view(const torch::Tensor& weight, const torch::Tensor& plain, const torch::Tensor& gated,
                     const torch::Tensor& applied, int64_t tile_h, int64_t tile_w);

// One sprite sheet: rows [C, tile_h*tile_w] tiled in `columns` columns, each tile scaled by
// its own max |value| and coloured blue-white-red.
torch::Tensor feature_sheet(const torch::Tensor& rows, int64_t tile_h, int64_t tile_w, int64_t columns);

}  // namespace acc
