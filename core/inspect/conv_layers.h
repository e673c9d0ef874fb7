// The convolution behind an activation point, and what can be derived from its geometry
// alone: the approximate receptive field of a position. A point is named after its layer's
// module path (activation_taps.h), so "encoder.conv1" finds the Conv2d that computes it.
#pragma once

#include <torch/torch.h>

#include <optional>
#include <string>
#include <vector>

#include "models/model.h"

namespace acc {

struct ConvLayer {
  bool transposed = false;  // ConvTranspose2d (decoder) rather than Conv2d
  int64_t in_channels = 0, out_channels = 0;
  int64_t kernel_h = 0, kernel_w = 0, stride_h = 1, stride_w = 1, pad_h = 0, pad_w = 0;
  // CPU float. Conv2d: [out, in, kh, kw]; ConvTranspose2d: [in, out, kh, kw] as LibTorch stores it.
  torch::Tensor weight;
  torch::Tensor bias;  // [out], or undefined
  // The [in, kh, kw] slice that produces output channel `out`.
  torch::Tensor kernel_of(int64_t out) const;
};

// The Conv2d or ConvTranspose2d module at path `layer`, or nullopt (a Linear, or no module).
std::optional<ConvLayer> conv_layer(Model& model, const std::string& layer);

// Image-space window that output position (x, y) of the last layer of `chain` reads,
// where chain[0] reads the image: each layer maps an output interval [a, b] to the input
// interval [a*s - p, b*s - p + k - 1], so encoder.conv1 (3x3, stride 2, padding 1) maps x to
// [2x-1, 2x+1] and conv2 after it to [4x-3, 4x+3]. Bounds are clamped to the image; they
// ignore dilation (acc's convolutions have none).
struct ReceptiveField {
  bool ok = false;
  std::string reason;            // why it is unavailable
  int64_t x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // inclusive, clamped to [0, width-1] x [0, height-1]
};
ReceptiveField compose_receptive_field(const std::vector<ConvLayer>& chain, int64_t x, int64_t y, int64_t width,
                                       int64_t height);

// The receptive field of (x, y) in `layer`: available for encoder Conv2d layers whose every
// earlier activation point is a Conv2d too (the chain from the image); otherwise
// unavailable with the reason (decoder layer, vector layer, a non-convolution before it).
ReceptiveField layer_receptive_field(Model& model, const std::string& layer, bool spatial, int64_t x, int64_t y);

}  // namespace acc
