// One example through a model, with every layer kept: the activation points the model
// declares (models/activation_taps.h, in forward order) and then its vector outputs (z, mu,
// logvar, qc_probs, logits as the model has them). Every network inspection artifact reads
// layers from here, so "layer" means the same thing in forward, inspect and top-k files.
//
// Layers are held as channel maps [C, H, W]: a spatial activation [B, C, H, W] is one image's
// maps; anything else (a Linear's [B, D]) is a *vector* layer, held as one channel of
// 1 x D, so a vector's element d is position (x = d, y = 0) of channel 0.
#pragma once

#include <torch/torch.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "models/model.h"

namespace acc {

struct CapturedLayer {
  std::string id;       // "encoder.conv1", or a vector output: "z", "mu", "logvar", "qc_probs", "logits"
  bool spatial = false;
  bool output = false;  // a model output (z, mu, ...) rather than an activation point
  torch::Tensor maps;   // CPU float [C, H, W] (vectors: [1, 1, D])
  // [C, H, W] for spatial layers, [D] for vectors: the shape artifacts report.
  std::vector<int64_t> shape() const;
};

struct ForwardCapture {
  int64_t index = 0;
  torch::Tensor input;  // CPU float [C, H, W]
  torch::Tensor recon;  // CPU float [C, H, W]
  std::vector<CapturedLayer> layers;

  const CapturedLayer* find(const std::string& id) const;
  // The vector output `id` as [D], or an undefined tensor when the model has none.
  torch::Tensor vector(const std::string& id) const;
  std::string layer_names() const;  // "encoder.conv1, encoder.conv2, ..., z" for errors
};

// Test row `index` of `dataset` through `model` in eval mode (no gradients; every module's
// own train/eval flag restored after). Eval mode makes the pass deterministic: VAEs' latent
// is their mean, and nothing draws from the global generator.
ForwardCapture capture_forward(Model& model, const Dataset& dataset, int64_t index, const torch::Device& device);

// Layer `layer` for a batch of images, as maps [B, C, H, W] on the CPU (eval mode, no
// gradients): what top-k scans. TORCH_CHECK that the layer exists (validate first).
torch::Tensor capture_layer_batch(Model& model, const std::string& layer, const torch::Tensor& images);

// The header every network JSON starts with: {format: acc.network, version: 1, type}.
nlohmann::json network_json(const std::string& type);

}  // namespace acc
