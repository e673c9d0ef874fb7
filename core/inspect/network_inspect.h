// Network inspection: what a model computes for one example, persisted so the viewer only
// renders (docs/run-format.md, "Network inspection"). The train op writes the forward
// capture at each epoch end (write_network_forward); `acc inspect` and `acc serve` write
// any of the pieces on demand (write_inspection). Files go through an ArtifactSink under
// network/<label>/.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>

#include "data/dataset.h"
#include "eval/artifact_sink.h"
#include "models/model.h"

namespace acc {

struct InspectRequest {
  int64_t index = 0;                                  // row of the dataset's test split
  std::optional<std::string> layer;                   // activation point or vector output; required by channel/xy/topk/conv_step
  std::optional<int64_t> channel;                     // default 0 when a layer is given
  std::optional<std::pair<int64_t, int64_t>> xy;      // x (column), y (row) in the layer's map
  std::optional<std::pair<int64_t, double>> perturb;  // latent dim, delta
  std::optional<int64_t> topk;
  std::string topk_metric = "max";
  int64_t topk_subset = 1000;
  std::optional<uint64_t> seed;  // z_sample seed; default: the index
  bool conv_step = false;        // recompute one output of `layer` (a first conv layer) by hand
  // m draws from q(z|x_index) decoded (eval/mixture_artifacts.h, seeded seed + index; seed
  // default 0 there), for a VAE; the viewer's posterior-local samples of a selected point.
  std::optional<int64_t> posterior_samples;
};

// The forward capture of test row `index` (forward/idx_<i>/...), z_sample seeded by the index.
void write_network_forward(Model& model, const Dataset& dataset, int64_t index, const torch::Device& device,
                           ArtifactSink& sink);

// acc::Error naming the option and the valid range or names when the request does not fit
// the model or dataset (index, layer, channel, xy, perturb, topk, conv_step); writes nothing.
void check_inspection(Model& model, const Dataset& dataset, const InspectRequest& request, const torch::Device& device);

// Validates the request against the model and dataset — acc::Error naming the option and
// the valid range or names — before writing anything, then writes the forward capture and
// every requested piece: inspect (with a layer), kernels (a convolution layer), conv_step,
// perturb, topk. Returns {"paths": [every versioned file written, relative to the run]}.
nlohmann::json write_inspection(Model& model, const Dataset& dataset, const InspectRequest& request,
                                const torch::Device& device, ArtifactSink& sink);

}  // namespace acc
