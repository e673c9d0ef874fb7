// One output value of a first convolution layer recomputed by hand: the 3x3 input patch
// it reads (zero padding marked), the kernel, their elementwise product, the sum, the bias
// and the ReLU — and the value the model itself produced, which must agree. This is the
// neuron-level explanation the viewer's conv-step panel draws; it is only defined for a
// Conv2d with one input channel and a 3x3 kernel, the layer that reads the image.
#pragma once

#include <torch/torch.h>

#include <array>
#include <string>

#include "eval/artifact_sink.h"
#include "inspect/conv_layers.h"
#include "inspect/forward_capture.h"

namespace acc {

struct ConvStep {
  int64_t out_channel = 0, x = 0, y = 0;
  int64_t input_x0 = 0, input_y0 = 0;  // image position of patch[0][0] (negative inside the padding)
  std::array<std::array<double, 3>, 3> patch{}, kernel{}, product{};
  std::array<std::array<bool, 3>, 3> padding{};  // true where the patch reads zero padding
  double pre_bias_sum = 0, bias = 0, pre_activation = 0;
  double computed = 0;  // relu(pre_activation)
};

// "" when `conv` qualifies, else why not (for the error message).
std::string conv_step_unsupported(const ConvLayer& conv);

// image [1, H, W] (the layer's input); TORCH_CHECK that the layer qualifies and (x, y) is an
// output position.
ConvStep compute_conv_step(const torch::Tensor& image, const ConvLayer& conv, int64_t out_channel, int64_t x,
                           int64_t y);

// conv_step/idx_<i>/layer_<id>/out_<c>/x_<x>_y_<y>/conv_step.json, with `captured` read from
// the capture's activation of `layer` and match = |computed - captured| < 1e-5.
void write_conv_step(const ForwardCapture& capture, const std::string& layer, const ConvLayer& conv,
                     int64_t out_channel, int64_t x, int64_t y, ArtifactSink& sink);

}  // namespace acc
