// Image helpers for artifacts; see image_grid.h.
#include "eval/image_grid.h"

#include <stb/stb_image_write.h>

namespace acc {

torch::Tensor tile_images(const torch::Tensor& images, int64_t columns, int64_t pad, double pad_value) {
  TORCH_CHECK(images.dim() == 4, "tile_images: expected [N, C, H, W], got ", images.sizes());
  TORCH_CHECK(columns > 0 && pad >= 0, "tile_images: columns must be positive and pad non-negative");
  const auto x = images.detach().to(torch::kCPU, torch::kFloat);
  const int64_t n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
  const int64_t cols = std::max<int64_t>(1, std::min(columns, n));
  const int64_t rows = std::max<int64_t>(1, (n + cols - 1) / cols);
  torch::Tensor grid = torch::full({c, rows * (h + pad) + pad, cols * (w + pad) + pad}, pad_value);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t r = i / cols, col = i % cols;
    grid.narrow(1, pad + r * (h + pad), h).narrow(2, pad + col * (w + pad), w).copy_(x[i]);
  }
  return grid;
}

torch::Tensor to_rgb(const torch::Tensor& image) {
  TORCH_CHECK(image.dim() == 3 && (image.size(0) == 1 || image.size(0) == 3), "to_rgb: expected [1|3, H, W]");
  return image.size(0) == 3 ? image : image.expand({3, image.size(1), image.size(2)}).contiguous();
}

torch::Tensor heatmap_overlay(const torch::Tensor& image, const torch::Tensor& heat, double alpha) {
  TORCH_CHECK(image.dim() == 3 && image.size(0) == 1, "heatmap_overlay: image must be [1, H, W]");
  TORCH_CHECK(heat.dim() == 2, "heatmap_overlay: heat must be [h, w]");
  const auto img = image.detach().to(torch::kCPU, torch::kFloat);
  auto h = heat.detach().to(torch::kCPU, torch::kFloat).clamp_min(0);
  const double peak = h.max().item<double>();
  if (peak > 0) h = h / peak;
  // Nearest upsampling by index lookup: image pixel y reads heat row floor(y * h / H).
  const int64_t H = img.size(1), W = img.size(2);
  const auto rows = torch::div(torch::arange(H, torch::kLong) * h.size(0), H, /*rounding_mode=*/"floor");
  const auto cols = torch::div(torch::arange(W, torch::kLong) * h.size(1), W, /*rounding_mode=*/"floor");
  const auto up = h.index_select(0, rows).index_select(1, cols);
  // Black -> red -> yellow -> white, piecewise linear in thirds.
  const auto red = (up * 3).clamp(0, 1);
  const auto green = (up * 3 - 1).clamp(0, 1);
  const auto blue = (up * 3 - 2).clamp(0, 1);
  const auto colour = torch::stack({red, green, blue});
  return (1 - alpha) * to_rgb(img) + alpha * colour;
}

std::string encode_png(const torch::Tensor& image) {
  TORCH_CHECK(image.dim() == 3 && (image.size(0) == 1 || image.size(0) == 3 || image.size(0) == 4),
              "encode_png: expected [1|3|4, H, W], got ", image.sizes());
  const int64_t c = image.size(0), h = image.size(1), w = image.size(2);
  // HWC uint8, the layout stb expects.
  const auto pixels = (image.detach().to(torch::kCPU, torch::kFloat).clamp(0, 1) * 255)
                          .round()
                          .to(torch::kUInt8)
                          .permute({1, 2, 0})
                          .contiguous();
  std::string out;
  auto append = [](void* context, void* data, int size) {
    static_cast<std::string*>(context)->append(static_cast<const char*>(data), static_cast<size_t>(size));
  };
  const int ok = stbi_write_png_to_func(append, &out, static_cast<int>(w), static_cast<int>(h), static_cast<int>(c),
                                        pixels.data_ptr<uint8_t>(), static_cast<int>(w * c));
  TORCH_CHECK(ok != 0, "encode_png: stb_image_write failed for a ", c, "x", h, "x", w, " image");
  return out;
}

}  // namespace acc
