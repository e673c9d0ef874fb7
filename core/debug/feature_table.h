// The per-feature table of one layer for one batch: how each feature (unit or channel)
// competed, what gradient reached it and what the gate let through. Definitions in
// docs/debugger.md ("features.<layer>.json"); computed here, only rendered by the viewer.
#pragma once

#include <torch/torch.h>

#include <nlohmann/json.hpp>
#include <string>

namespace acc {

struct FeatureColumns {
  torch::Tensor win_rate, usage, grad_magnitude, gate, gated_grad_magnitude, activation_mean, novelty;  // [C] double
  torch::Tensor dead;  // [C] bool
};

// activation a [B, C] or [B, C, ...]; grad g (dL/da before this layer's gate) of the same
// shape, or undefined (no gradient reached it: zeros); gate [B, C] or undefined (not gated:
// ones); weight [C, ...] of the layer, or undefined (novelty 0).
FeatureColumns feature_columns(const torch::Tensor& activation, const torch::Tensor& grad, const torch::Tensor& gate,
                               const torch::Tensor& weight);

// "dead" when the feature is 0 on every image, "winner" when win_rate >= 2/C, else "contender".
std::string feature_status(bool dead, double win_rate, int64_t features);

// {features, thresholds, columns, rows: [...], summary: {mean, min, max, counts}}
nlohmann::json feature_table_json(const FeatureColumns& columns);

}  // namespace acc
