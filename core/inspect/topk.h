// Which examples drive a channel hardest: a deterministic scan of test rows 0..n-1, each
// scored by the max (with where it peaks) or the mean of the channel's map, the k best kept.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

#include "data/dataset.h"
#include "eval/artifact_sink.h"
#include "models/model.h"

namespace acc {

struct TopkItem {
  int64_t index = 0;
  double score = 0;
  int64_t x = 0, y = 0;  // the first (row-major) position of the max; metric max only
};

// maps [B, H, W] of rows first_index.. -> one item per row. metric: "max" or "mean".
std::vector<TopkItem> score_maps(const torch::Tensor& maps, const std::string& metric, int64_t first_index);

// The k best by score, descending; ties by index, ascending (so the order never depends on
// the scan's batch boundaries).
std::vector<TopkItem> rank_topk(std::vector<TopkItem> items, int64_t k);

// topk/layer_<id>/ch_<c>/metric_<m>/subset_<n>/k_<k>/topk.json + input_<index>.png per
// item. n is clamped to the test split's size (the JSON's subset_n is what was scanned).
void write_topk(Model& model, const Dataset& dataset, const std::string& layer, int64_t channel,
                const std::string& metric, int64_t subset, int64_t k, const torch::Device& device, ArtifactSink& sink);

}  // namespace acc
