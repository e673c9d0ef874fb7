// Writes one captured step into <run>/debug/<from>/step_<N>/ (layout in docs/debugger.md):
// the batch grid and losses, and per debugged layer its feature table, force view and
// cosine matrices. Every file is written atomically and announced as `artifact.created`
// (kind "debug") so the viewer mirror copies the JSON; one `debug.capture` event lists them.
#pragma once

#include <torch/torch.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "debug/layer_probe.h"
#include "run/event_log.h"

namespace acc {

struct CapturedBatch {
  std::string dataset;
  torch::Tensor images;   // [B, C, H, W] clone
  torch::Tensor labels;   // undefined when the dataset has none
  torch::Tensor indices;  // rows of the train split, when known (else undefined)
};

struct CaptureContext {
  std::filesystem::path run_dir;
  EventLog* events = nullptr;  // may be null (tests)
  std::string from;            // the branch's tag
  int64_t step = 0;
  double lr = 0;
  std::vector<std::pair<std::string, double>> losses;  // per task, unweighted
  double loss = 0;                                      // weighted total
};

// Returns the capture directory relative to the run ("debug/<from>/step_<N>").
std::string write_capture(const CaptureContext& ctx, const CapturedBatch& batch,
                          const std::vector<const LayerProbe*>& probes);

// The cosine-matrix artifact of one source: {n, matrix, stats: {mean, std, max}, orders}
// and its PNG (1 pixel per cell, blue -1 .. white 0 .. red 1).
nlohmann::json cosine_json(const torch::Tensor& matrix, const FeatureColumns& columns);
torch::Tensor cosine_png(const torch::Tensor& matrix);

// Writes `value` to <run>/<path> and announces it (kind "debug", format json).
void write_debug_json(const std::filesystem::path& run_dir, EventLog* events, const std::string& path,
                      const std::string& from, int64_t step, const nlohmann::json& value);

}  // namespace acc
