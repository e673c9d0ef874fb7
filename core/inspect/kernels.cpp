// Kernel and kernel-strength artifacts; see kernels.h.
#include "inspect/kernels.h"

#include <algorithm>

#include "eval/json_numbers.h"
#include "inspect/forward_capture.h"
#include "inspect/inspect_images.h"

namespace acc {

namespace {
// Eight slices are what a reader can compare at a glance; the stencil covers the rest.
constexpr int64_t kTopInChannels = 8;
}  // namespace

KernelSummary summarise_kernel(const torch::Tensor& weights, int64_t top_n) {
  TORCH_CHECK(weights.dim() == 3, "summarise_kernel: expected [C_in, kh, kw], got ", weights.sizes());
  const auto w = weights.detach().to(torch::kCPU, torch::kDouble);
  KernelSummary s;
  s.stencil = w.pow(2).sum(/*dim=*/0).sqrt().to(torch::kFloat);
  const auto norms = w.pow(2).sum({1, 2}).sqrt().contiguous();
  const auto* p = norms.data_ptr<double>();
  for (int64_t c = 0; c < norms.size(0); ++c) s.top.emplace_back(c, p[c]);
  std::stable_sort(s.top.begin(), s.top.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (static_cast<int64_t>(s.top.size()) > top_n) s.top.resize(static_cast<size_t>(top_n));
  return s;
}

void write_kernels(const std::string& layer, const ConvLayer& conv, int64_t out_channel, ArtifactSink& sink) {
  const std::string dir = "kernels/layer_" + layer + "/out_" + std::to_string(out_channel) + "/";
  const torch::Tensor w = conv.kernel_of(out_channel);  // [C_in, kh, kw]
  nlohmann::json j = {{"layer", layer},
                      {"out_channel", out_channel},
                      {"in_channels", w.size(0)},
                      {"conv", conv.transposed ? "conv_transpose2d" : "conv2d"},
                      {"shape", {w.size(1), w.size(2)}},
                      {"bias", conv.bias.defined() ? json_number(conv.bias[out_channel].item<double>()) : nlohmann::json(nullptr)}};
  if (w.size(0) == 1) {
    j["image"] = sink.write_png("network", dir + "kernel", kernel_image(w[0]));
    j["kernel"] = json_nested(w[0]);
    nlohmann::json out = network_json("kernel");
    out.update(j);
    sink.write_json("network", dir + "kernel", out);
    return;
  }
  const KernelSummary s = summarise_kernel(w, kTopInChannels);
  j["image"] = sink.write_png("network", dir + "kernel_agg", kernel_image(s.stencil));
  j["stencil"] = json_nested(s.stencil);
  j["aggregation"] = "l2_over_input_channels";
  nlohmann::json agg = network_json("kernel_agg");
  agg.update(j);
  sink.write_json("network", dir + "kernel_agg", agg);

  nlohmann::json items = nlohmann::json::array();
  for (const auto& [channel, norm] : s.top) {
    const std::string image = sink.write_png("network", dir + "kernel_in_" + std::to_string(channel), kernel_image(w[channel]));
    items.push_back({{"in_channel", channel}, {"l2", json_number(norm)}, {"kernel", json_nested(w[channel])}, {"image", image}});
  }
  nlohmann::json top = network_json("top_in_channels");
  top.update({{"layer", layer}, {"out_channel", out_channel}, {"in_channels", w.size(0)}, {"items", items}});
  sink.write_json("network", dir + "top_in_channels", top);
}

}  // namespace acc
