// The pictures of network inspection: channel grids, vector strips, heat maps and kernel
// stencils. Each image is normalised on its own (stated per function), because activation
// and weight scales differ by orders of magnitude between layers; the exact values are
// always in the JSON next to the image.
#pragma once

#include <torch/torch.h>

namespace acc {

// maps [C, H, W] -> grey grid, ceil(sqrt(C)) columns, 1 px mid-grey padding; each channel
// is scaled by its own min..max (a constant channel is black), so a weak channel's
// pattern is as visible as a strong one's.
torch::Tensor channel_grid(const torch::Tensor& maps);

// One map [H, W] -> grey [1, H, W], one pixel per position, scaled by its own min..max.
torch::Tensor channel_image(const torch::Tensor& map);

// values [D] -> one row of D cells of 8 x 8 px with 1 px grey padding, blue-white-red,
// scaled by the largest |value| (0 is white whatever the scale).
torch::Tensor vector_strip(const torch::Tensor& values);

// map [h, w] -> RGBA [4, height, width]: nearest-neighbour upsampled (one position stays one
// block), black-red-yellow-white by value / max, alpha = value / max (negative values and an
// all-zero map are transparent).
torch::Tensor heat_rgba(const torch::Tensor& map, int64_t height, int64_t width);

// heat_rgba composited over a grey image [1, H, W]: RGB [3, H, W].
torch::Tensor heat_overlay(const torch::Tensor& image, const torch::Tensor& rgba);

// weights [kh, kw] -> RGB, 16 x 16 px per weight, blue-white-red scaled by the largest |weight|.
torch::Tensor kernel_image(const torch::Tensor& weights);

}  // namespace acc
