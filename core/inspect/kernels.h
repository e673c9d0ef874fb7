// What a convolution's output channel looks for, from its weights alone: with one input
// channel the kernel itself; with many, a strength stencil (the L2 norm over input
// channels of each kernel position: where in the window this channel looks, whatever it
// looks at) and the input channels whose slices weigh most, with their values.
#pragma once

#include <torch/torch.h>

#include <string>
#include <utility>
#include <vector>

#include "eval/artifact_sink.h"
#include "inspect/conv_layers.h"

namespace acc {

struct KernelSummary {
  torch::Tensor stencil;  // [kh, kw]: sqrt(sum over input channels of w^2)
  std::vector<std::pair<int64_t, double>> top;  // (input channel, L2 norm of its slice), largest first, ties by channel
};

// weights [C_in, kh, kw] (one output channel); at most `top_n` channels in `top`.
KernelSummary summarise_kernel(const torch::Tensor& weights, int64_t top_n = 8);

// kernels/layer_<id>/out_<c>/: kernel.json + kernel.png (one input channel), or
// kernel_agg.json + kernel_agg.png + top_in_channels.json + kernel_in_<k>.png.
void write_kernels(const std::string& layer, const ConvLayer& conv, int64_t out_channel, ArtifactSink& sink);

}  // namespace acc
