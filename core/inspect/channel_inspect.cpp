// Channel inspection files; see channel_inspect.h.
#include "inspect/channel_inspect.h"

#include "eval/json_numbers.h"
#include "inspect/conv_layers.h"
#include "inspect/inspect_images.h"

namespace acc {

void write_channel_inspect(Model& model, const ForwardCapture& capture, const std::string& layer, int64_t channel,
                           const std::optional<std::pair<int64_t, int64_t>>& xy, ArtifactSink& sink) {
  const CapturedLayer* l = capture.find(layer);
  TORCH_CHECK(l && channel >= 0 && channel < l->maps.size(0), "write_channel_inspect: no channel ", channel, " in ", layer);
  const torch::Tensor map = l->maps[channel];  // [H, W]
  const std::string dir = "inspect/idx_" + std::to_string(capture.index) + "/layer_" + layer + "/ch_" +
                          std::to_string(channel) + "/";
  const torch::Tensor heat = heat_rgba(map, capture.input.size(1), capture.input.size(2));
  nlohmann::json j = network_json("inspect");
  const int64_t at = map.flatten().argmax().item<int64_t>();  // first maximal position
  j.update({{"index", capture.index},
            {"layer", layer},
            {"kind", l->spatial ? "spatial" : "vector"},
            {"channel", channel},
            {"shape", {map.size(0), map.size(1)}},
            {"min", json_number(map.min().item<double>())},
            {"max", json_number(map.max().item<double>())},
            {"mean", json_number(map.to(torch::kDouble).mean().item<double>())},
            {"argmax_xy", {at % map.size(1), at / map.size(1)}},
            {"channel_image", sink.write_png("network", dir + "channel", channel_image(map))},
            {"heat_rgba", sink.write_png("network", dir + "heat_rgba", heat)},
            {"overlay", sink.write_png("network", dir + "overlay", heat_overlay(capture.input, heat))}});
  if (xy) {
    const auto [x, y] = *xy;
    j["xy"] = {{"x", x}, {"y", y}, {"value", json_number(map[y][x].item<double>())}};
    const ReceptiveField rf = layer_receptive_field(model, layer, l->spatial, x, y);
    if (rf.ok) j["rf"] = {{"status", "ok"}, {"x0", rf.x0}, {"y0", rf.y0}, {"x1", rf.x1}, {"y1", rf.y1}};
    else j["rf"] = {{"status", "unavailable"}, {"reason", rf.reason}};
  }
  sink.write_json("network", dir + "inspect", j);
}

}  // namespace acc
