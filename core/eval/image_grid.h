// Image helpers for artifacts: tile a batch into one grid, colour a heatmap over a
// greyscale image, and encode PNG (stb_image_write; deterministic: equal pixels give equal
// bytes). Images are float tensors in [0, 1], [C, H, W] with C = 1 (grey) or 3 (RGB).
#pragma once

#include <torch/torch.h>

#include <string>

namespace acc {

// images [N, C, H, W] -> one [C, rows*(H+pad)+pad, columns*(W+pad)+pad] grid, row-major,
// cells separated by `pad` pixels of `pad_value`. Missing cells in the last row stay pad.
torch::Tensor tile_images(const torch::Tensor& images, int64_t columns, int64_t pad = 2, double pad_value = 0.5);

// Grey [1, H, W] -> RGB [3, H, W] (for mixing grey and colour cells in one grid).
torch::Tensor to_rgb(const torch::Tensor& image);

// Colours `heat` ([h, w], any non-negative scale; normalised by its own max) with a
// black-red-yellow-white ramp, upsamples it to the image's size (nearest neighbour, so one
// decoder position stays one visible block) and blends it over the grey image [1, H, W].
torch::Tensor heatmap_overlay(const torch::Tensor& image, const torch::Tensor& heat, double alpha = 0.6);

// PNG bytes of [C, H, W] in [0, 1] (C = 1 grey, 3 RGB or 4 RGBA); values are clamped and rounded.
std::string encode_png(const torch::Tensor& image);

}  // namespace acc
