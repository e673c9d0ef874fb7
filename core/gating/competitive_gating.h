// Competitive gradient gating: during backpropagation, each channel's gradient at a layer's
// activation is scaled by how strongly that channel activated in the forward pass, so the
// weights of strongly activated channels get proportionally more gradient. The loss, the
// forward pass and the architecture are unchanged.
//
// The gate, for a layer activation a of shape [B, C] or [B, C, H, W] (C channels; the
// activation is the layer's output after its ReLU, see models/activation_taps.h):
//
//   m[b,c]    = mean over spatial positions of |a[b,c,...]|     (strength; [B, C] uses |a[b,c]|)
//   g[b,c]    = C * softmax_c(m[b,c] / T)                         (T = temperature; mean_c g = 1)
//   gate[b,c] = (1 - s) + s * g[b,c]                              (s = gate_strength in [0, 1])
//   dL/da[b,c,...]  <-  gate[b,c] * dL/da[b,c,...]
//
// Per image, channels compete for a fixed gradient budget: the gate averages 1 over
// channels, so the overall gradient scale is kept and only its split between channels
// changes. Low T sharpens the competition towards winner-take-all, high T flattens it
// towards plain gradients; s = 0 is exactly plain training (gate = 1.0), s = 1 full gating.
// The gate is computed from the detached activation: it steers gradients, it is not itself
// differentiated.
//
// Mechanism: a hook on the model's named activation point (the C++ stand-in for a PyTorch
// forward hook) registers a tensor gradient hook (Tensor::register_hook) on that step's
// activation. It runs only when the activation requires grad, so evaluation and no-grad
// code are untouched. The trainer and tasks know nothing of it. Removing it (remove() or
// destruction) restores bitwise-plain gradients from the next forward pass on.
#pragma once

#include <torch/torch.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "models/model.h"
#include "train/branch_plugin.h"

namespace acc {

struct GatedLayer {
  std::string layer;      // activation point, e.g. "encoder.conv1"
  double strength = 1.0;  // gate_strength for this layer
};

struct GatingConfig {
  double temperature = 1.0;
  std::vector<GatedLayer> layers;
  // {"temperature": T, "layers": {"encoder.conv1": 1.0, ...}} (checkpoint meta.json)
  nlohmann::json to_json() const;
  static GatingConfig from_json(const nlohmann::json& j);
  // acc::Error (prefixed with `where`) for T <= 0, a strength outside [0, 1], no layers,
  // a repeated layer, or a layer the model does not declare (listing the valid ones).
  void check(const Model& model, const std::string& where) const;
};

// The gate above: [B, C] for an activation [B, C, ...]. Pure function (tests, diagnostics).
torch::Tensor competitive_gate(const torch::Tensor& activation, double temperature, double strength);

// A BranchPlugin (gating/gating_state.h installs it on a TrainingState): its state is the
// config, saved with every node while gating is on.
class CompetitiveGradientGating : public BranchPlugin {
 public:
  // Attaches to `model`'s activation points; config.check() first.
  CompetitiveGradientGating(Model& model, GatingConfig config);
  ~CompetitiveGradientGating() override { remove(); }
  CompetitiveGradientGating(const CompetitiveGradientGating&) = delete;
  CompetitiveGradientGating& operator=(const CompetitiveGradientGating&) = delete;

  void remove();
  const GatingConfig& config() const { return config_; }
  nlohmann::json state() const override { return config_.to_json(); }

 private:
  ActivationTaps& taps_;
  GatingConfig config_;
  std::vector<int64_t> handles_;
};

}  // namespace acc
