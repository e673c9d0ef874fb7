// One convolution output recomputed by hand; see conv_step.h.
#include "inspect/conv_step.h"

#include <algorithm>
#include <cmath>

#include "eval/json_numbers.h"

namespace acc {

namespace {

// Recomputed in double and compared with the model's float32 value: the float sum of nine
// products is off by a few ulps, far below this.
constexpr double kMatchTolerance = 1e-5;

nlohmann::json grid_json(const std::array<std::array<double, 3>, 3>& g) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& row : g) {
    nlohmann::json r = nlohmann::json::array();
    for (double v : row) r.push_back(json_number(v));
    rows.push_back(r);
  }
  return rows;
}

}  // namespace

std::string conv_step_unsupported(const ConvLayer& conv) {
  if (conv.transposed) return "it is a transposed convolution";
  if (conv.in_channels != 1) return "it has " + std::to_string(conv.in_channels) + " input channels, not 1";
  if (conv.kernel_h != 3 || conv.kernel_w != 3)
    return "its kernel is " + std::to_string(conv.kernel_h) + "x" + std::to_string(conv.kernel_w) + ", not 3x3";
  return "";
}

ConvStep compute_conv_step(const torch::Tensor& image, const ConvLayer& conv, int64_t out_channel, int64_t x,
                           int64_t y) {
  TORCH_CHECK(conv_step_unsupported(conv).empty(), "compute_conv_step: ", conv_step_unsupported(conv));
  TORCH_CHECK(image.dim() == 3 && image.size(0) == 1, "compute_conv_step: image must be [1, H, W]");
  TORCH_CHECK(out_channel >= 0 && out_channel < conv.out_channels, "compute_conv_step: no output channel ", out_channel);
  const auto img = image[0].to(torch::kCPU, torch::kDouble).contiguous();
  const auto w = conv.weight[out_channel][0].to(torch::kDouble).contiguous();
  const int64_t H = img.size(0), W = img.size(1);
  ConvStep s;
  s.out_channel = out_channel;
  s.x = x;
  s.y = y;
  s.input_x0 = x * conv.stride_w - conv.pad_w;
  s.input_y0 = y * conv.stride_h - conv.pad_h;
  TORCH_CHECK(s.input_x0 + 2 >= 0 && s.input_x0 < W && s.input_y0 + 2 >= 0 && s.input_y0 < H,
              "compute_conv_step: (", x, ", ", y, ") is not an output position");
  const auto* px = img.data_ptr<double>();
  const auto* pw = w.data_ptr<double>();
  for (int64_t i = 0; i < 3; ++i)
    for (int64_t j = 0; j < 3; ++j) {
      const int64_t iy = s.input_y0 + i, ix = s.input_x0 + j;
      s.padding[i][j] = iy < 0 || iy >= H || ix < 0 || ix >= W;
      s.patch[i][j] = s.padding[i][j] ? 0.0 : px[iy * W + ix];
      s.kernel[i][j] = pw[i * 3 + j];
      s.product[i][j] = s.patch[i][j] * s.kernel[i][j];
      s.pre_bias_sum += s.product[i][j];
    }
  s.bias = conv.bias.defined() ? conv.bias[out_channel].item<double>() : 0.0;
  s.pre_activation = s.pre_bias_sum + s.bias;
  s.computed = std::max(0.0, s.pre_activation);
  return s;
}

void write_conv_step(const ForwardCapture& capture, const std::string& layer, const ConvLayer& conv,
                     int64_t out_channel, int64_t x, int64_t y, ArtifactSink& sink) {
  const CapturedLayer* captured_layer = capture.find(layer);
  TORCH_CHECK(captured_layer, "write_conv_step: no layer ", layer);
  const ConvStep s = compute_conv_step(capture.input, conv, out_channel, x, y);
  const double captured = captured_layer->maps[out_channel][y][x].item<double>();
  nlohmann::json padding = nlohmann::json::array();
  for (const auto& row : s.padding) padding.push_back(row);
  nlohmann::json j = network_json("conv_step");
  j.update({{"index", capture.index},
            {"layer", layer},
            {"out_channel", out_channel},
            {"x", x},
            {"y", y},
            {"input_origin", {s.input_x0, s.input_y0}},
            {"patch", grid_json(s.patch)},
            {"patch_padding", padding},
            {"kernel", grid_json(s.kernel)},
            {"product", grid_json(s.product)},
            {"pre_bias_sum", json_number(s.pre_bias_sum)},
            {"bias", json_number(s.bias)},
            {"pre_activation", json_number(s.pre_activation)},
            // Every acc model taps its convolutions after a ReLU (models/conv_blocks.cpp);
            // `match` would expose a layer that does not.
            {"activation", {{"name", "relu"}, {"value", json_number(s.computed)}}},
            {"computed", json_number(s.computed)},
            {"captured", json_number(captured)},
            {"abs_diff", json_number(std::abs(s.computed - captured))},
            {"match", std::abs(s.computed - captured) < kMatchTolerance}});
  const std::string dir = "conv_step/idx_" + std::to_string(capture.index) + "/layer_" + layer + "/out_" +
                          std::to_string(out_channel) + "/x_" + std::to_string(x) + "_y_" + std::to_string(y) + "/";
  sink.write_json("network", dir + "conv_step", j);
}

}  // namespace acc
