// Bringing images to the size a recipe asks for (`image_size`). The common case, MNIST's 28 px
// to the 32 px that strided conv stacks like, is done by zero-padding 2 px on every side
// rather than resampling: the digit keeps its exact pixels, so stroke width — a factor acc
// studies — is not blurred or thickened by interpolation, and the padded border is the same
// black background MNIST already has. Any other change of size is a bilinear resize.
#pragma once

#include <torch/torch.h>

namespace acc {

// `images`: [N, C, H, W] with H == W; float in [0, 1] or uint8 in 0..255.
// size == H        -> returned unchanged;
// 28 -> 32         -> zero-padded by 2 px on each side;
// otherwise        -> bilinear (align_corners=false), clamped to the value range; uint8
//                     results are rounded back to bytes. Loaders resize the uint8 images
//                     before converting, which keeps a single large float allocation.
torch::Tensor to_image_size(const torch::Tensor& images, int64_t size);

}  // namespace acc
