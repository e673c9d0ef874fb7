// Top-k activation scan; see topk.h.
#include "inspect/topk.h"

#include <algorithm>

#include "eval/json_numbers.h"
#include "inspect/forward_capture.h"

namespace acc {

namespace {
// Rows per forward pass: large enough to amortise the call, small enough for conv maps.
constexpr int64_t kScanBatch = 256;
}  // namespace

std::vector<TopkItem> score_maps(const torch::Tensor& maps, const std::string& metric, int64_t first_index) {
  TORCH_CHECK(maps.dim() == 3, "score_maps: expected [B, H, W], got ", maps.sizes());
  TORCH_CHECK(metric == "max" || metric == "mean", "score_maps: metric must be max or mean");
  const auto flat = maps.to(torch::kCPU, torch::kFloat).flatten(/*start_dim=*/1);
  const int64_t width = maps.size(2);
  // argmax returns the first maximal position, so ties resolve the same way every time.
  const auto where = flat.argmax(/*dim=*/1).contiguous();
  const auto score = (metric == "max" ? flat.amax(/*dim=*/1) : flat.mean(/*dim=*/1)).to(torch::kDouble).contiguous();
  std::vector<TopkItem> items;
  for (int64_t b = 0; b < maps.size(0); ++b) {
    const int64_t at = where.data_ptr<int64_t>()[b];
    items.push_back({first_index + b, score.data_ptr<double>()[b], at % width, at / width});
  }
  return items;
}

std::vector<TopkItem> rank_topk(std::vector<TopkItem> items, int64_t k) {
  std::sort(items.begin(), items.end(), [](const TopkItem& a, const TopkItem& b) {
    return a.score != b.score ? a.score > b.score : a.index < b.index;
  });
  if (static_cast<int64_t>(items.size()) > k) items.resize(static_cast<size_t>(k));
  return items;
}

void write_topk(Model& model, const Dataset& dataset, const std::string& layer, int64_t channel,
                const std::string& metric, int64_t subset, int64_t k, const torch::Device& device, ArtifactSink& sink) {
  const int64_t n = std::min(subset, dataset.test.size());
  std::vector<TopkItem> items;
  for (int64_t start = 0; start < n; start += kScanBatch) {
    const int64_t count = std::min(kScanBatch, n - start);
    const auto maps = capture_layer_batch(model, layer, dataset.test.images.narrow(0, start, count).to(device));
    const auto scored = score_maps(maps.select(/*dim=*/1, channel), metric, start);
    items.insert(items.end(), scored.begin(), scored.end());
  }
  items = rank_topk(std::move(items), k);

  const std::string dir = "topk/layer_" + layer + "/ch_" + std::to_string(channel) + "/metric_" + metric + "/subset_" +
                          std::to_string(n) + "/k_" + std::to_string(k) + "/";
  nlohmann::json list = nlohmann::json::array();
  for (const auto& item : items) {
    nlohmann::json entry = {{"index", item.index}, {"score", json_number(item.score)}};
    if (metric == "max") entry["xy"] = {item.x, item.y};
    entry["image"] = sink.write_png("network", dir + "input_" + std::to_string(item.index),
                                    dataset.test.images[item.index].to(torch::kFloat));
    list.push_back(entry);
  }
  nlohmann::json j = network_json("topk");
  j.update({{"layer", layer}, {"channel", channel}, {"metric", metric}, {"subset_n", n}, {"k", k}, {"items", list}});
  sink.write_json("network", dir + "topk", j);
}

}  // namespace acc
