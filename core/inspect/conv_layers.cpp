// Convolution layers by activation point, and receptive fields; see conv_layers.h.
#include "inspect/conv_layers.h"

#include <algorithm>

namespace acc {

torch::Tensor ConvLayer::kernel_of(int64_t out) const {
  return transposed ? weight.select(1, out) : weight[out];
}

std::optional<ConvLayer> conv_layer(Model& model, const std::string& layer) {
  const auto modules = model.named_modules();
  const auto* found = modules.find(layer);
  if (!found) return std::nullopt;
  ConvLayer c;
  auto fill = [&](const auto& options, const torch::Tensor& weight, const torch::Tensor& bias) {
    c.in_channels = options.in_channels();
    c.out_channels = options.out_channels();
    c.kernel_h = (*options.kernel_size())[0];
    c.kernel_w = (*options.kernel_size())[1];
    c.stride_h = (*options.stride())[0];
    c.stride_w = (*options.stride())[1];
    const auto* pad = c10::get_if<torch::ExpandingArray<2>>(&options.padding());
    TORCH_CHECK(pad, "conv_layer: ", layer, " uses string padding, which receptive fields do not model");
    c.pad_h = (**pad)[0];
    c.pad_w = (**pad)[1];
    c.weight = weight.detach().to(torch::kCPU, torch::kFloat);
    if (bias.defined()) c.bias = bias.detach().to(torch::kCPU, torch::kFloat);
  };
  if (const auto* conv = (*found)->as<torch::nn::Conv2dImpl>()) {
    fill(conv->options, conv->weight, conv->bias);
    return c;
  }
  if (const auto* deconv = (*found)->as<torch::nn::ConvTranspose2dImpl>()) {
    c.transposed = true;
    fill(deconv->options, deconv->weight, deconv->bias);
    return c;
  }
  return std::nullopt;
}

ReceptiveField compose_receptive_field(const std::vector<ConvLayer>& chain, int64_t x, int64_t y, int64_t width,
                                       int64_t height) {
  int64_t x0 = x, x1 = x, y0 = y, y1 = y;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    x0 = x0 * it->stride_w - it->pad_w;
    x1 = x1 * it->stride_w - it->pad_w + it->kernel_w - 1;
    y0 = y0 * it->stride_h - it->pad_h;
    y1 = y1 * it->stride_h - it->pad_h + it->kernel_h - 1;
  }
  ReceptiveField rf;
  rf.ok = true;
  rf.x0 = std::clamp<int64_t>(x0, 0, width - 1);
  rf.x1 = std::clamp<int64_t>(x1, 0, width - 1);
  rf.y0 = std::clamp<int64_t>(y0, 0, height - 1);
  rf.y1 = std::clamp<int64_t>(y1, 0, height - 1);
  return rf;
}

ReceptiveField layer_receptive_field(Model& model, const std::string& layer, bool spatial, int64_t x, int64_t y) {
  ReceptiveField none;
  if (!spatial) {
    none.reason = "vector layer: each element depends on the whole input, not on a window of it";
    return none;
  }
  if (layer.rfind("decoder", 0) == 0) {
    none.reason = "decoder layer: each position is computed from the whole latent vector, not from an input window";
    return none;
  }
  // Points are declared in forward order, so the points up to `layer` are the chain from
  // the image when each of them is an ordinary convolution.
  std::vector<ConvLayer> chain;
  for (const auto& point : model.taps().points()) {
    const auto conv = conv_layer(model, point);
    if (!conv || conv->transposed) {
      none.reason = "layer " + point + (point == layer ? " is" : ", before it, is") +
                    " not a Conv2d, so its positions do not map to input windows";
      return none;
    }
    chain.push_back(*conv);
    if (point == layer) {
      const ImageShape in = model.input_shape();
      return compose_receptive_field(chain, x, y, in.width, in.height);
    }
  }
  none.reason = "layer " + layer + " is not an activation point of this model";
  return none;
}

}  // namespace acc
