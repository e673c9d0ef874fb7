// Network inspection images; see inspect_images.h.
#include "inspect/inspect_images.h"

#include <cmath>

#include "debug/diverging.h"
#include "eval/image_grid.h"

namespace acc {

namespace {

// Scales to [0, 1] by the tensor's own range; a constant tensor becomes 0.
torch::Tensor own_range(const torch::Tensor& t) {
  const double lo = t.min().item<double>(), hi = t.max().item<double>();
  return hi > lo ? (t - lo) / (hi - lo) : torch::zeros_like(t);
}

// Signed values scaled into [-1, 1] by the largest magnitude.
torch::Tensor by_max_abs(const torch::Tensor& t) {
  const double peak = t.abs().max().item<double>();
  return peak > 0 ? t / peak : torch::zeros_like(t);
}

// Each value becomes a block of `cell` x `cell` pixels.
torch::Tensor blocks(const torch::Tensor& chw, int64_t cell) {
  return chw.repeat_interleave(cell, /*dim=*/1).repeat_interleave(cell, /*dim=*/2);
}

}  // namespace

torch::Tensor channel_grid(const torch::Tensor& maps) {
  const auto m = maps.detach().to(torch::kCPU, torch::kFloat);
  std::vector<torch::Tensor> cells;
  for (int64_t c = 0; c < m.size(0); ++c) cells.push_back(own_range(m[c]).unsqueeze(0));
  const auto columns = static_cast<int64_t>(std::ceil(std::sqrt(static_cast<double>(m.size(0)))));
  return tile_images(torch::stack(cells), columns, /*pad=*/1);
}

torch::Tensor channel_image(const torch::Tensor& map) {
  return own_range(map.detach().to(torch::kCPU, torch::kFloat)).unsqueeze(0);
}

torch::Tensor vector_strip(const torch::Tensor& values) {
  const auto v = by_max_abs(values.detach().to(torch::kCPU, torch::kFloat).reshape({-1}));
  const auto rgb = diverging_rgb(v.unsqueeze(0));  // [3, 1, D]
  const auto cells = blocks(rgb, 8).unflatten(2, {v.size(0), 8}).permute({2, 0, 1, 3});  // [D, 3, 8, 8]
  return tile_images(cells.contiguous(), /*columns=*/v.size(0), /*pad=*/1);
}

torch::Tensor heat_rgba(const torch::Tensor& map, int64_t height, int64_t width) {
  auto h = map.detach().to(torch::kCPU, torch::kFloat).clamp_min(0);
  const double peak = h.max().item<double>();
  h = peak > 0 ? h / peak : torch::zeros_like(h);
  // Nearest upsampling by index lookup: pixel y reads map row floor(y * h / height).
  const auto rows = torch::div(torch::arange(height, torch::kLong) * h.size(0), height, /*rounding_mode=*/"floor");
  const auto cols = torch::div(torch::arange(width, torch::kLong) * h.size(1), width, /*rounding_mode=*/"floor");
  const auto up = h.index_select(0, rows).index_select(1, cols);
  // Black -> red -> yellow -> white in thirds, as heatmap_overlay (image_grid.h).
  return torch::stack({(up * 3).clamp(0, 1), (up * 3 - 1).clamp(0, 1), (up * 3 - 2).clamp(0, 1), up});
}

torch::Tensor heat_overlay(const torch::Tensor& image, const torch::Tensor& rgba) {
  const auto alpha = rgba[3].unsqueeze(0);
  return (1 - alpha) * to_rgb(image.detach().to(torch::kCPU, torch::kFloat)) + alpha * rgba.narrow(0, 0, 3);
}

torch::Tensor kernel_image(const torch::Tensor& weights) {
  return blocks(diverging_rgb(by_max_abs(weights.detach().to(torch::kCPU, torch::kFloat))), 16);
}

}  // namespace acc
