// Image resizing for dataset loading; see resize.h for why 28 -> 32 pads instead of scaling.
#include "data/resize.h"

namespace acc {

namespace F = torch::nn::functional;

torch::Tensor to_image_size(const torch::Tensor& images, int64_t size) {
  TORCH_CHECK(images.dim() == 4, "to_image_size: expected [N, C, H, W], got ", images.sizes());
  TORCH_CHECK(size > 0, "to_image_size: size must be positive, got ", size);
  const int64_t height = images.size(2);
  if (height == size && images.size(3) == size) return images;
  if (height == 28 && images.size(3) == 28 && size == 32)
    return torch::constant_pad_nd(images, {/*left=*/2, /*right=*/2, /*top=*/2, /*bottom=*/2},
                                  /*value=*/0);
  const bool bytes = images.scalar_type() == torch::kUInt8;
  TORCH_CHECK(bytes || images.is_floating_point(), "to_image_size: expected float or uint8");
  const auto resized = F::interpolate(bytes ? images.to(torch::kFloat32) : images,
                                      F::InterpolateFuncOptions()
                                          .size(std::vector<int64_t>{size, size})
                                          .mode(torch::kBilinear)
                                          .align_corners(false));
  // Bilinear weights are convex, so only rounding can leave the range; the clamp makes the
  // [0, 1] contract exact for losses such as binary cross-entropy that reject values outside.
  if (bytes) return resized.round().clamp(0, 255).to(torch::kUInt8);
  return resized.clamp(0, 1);
}

}  // namespace acc
