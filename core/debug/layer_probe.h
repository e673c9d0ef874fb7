// LayerProbe: what the debugger records about one layer during a captured step — the
// activation, the gradient that reached it before the layer's own gate, the gate, the
// weight before the step, the gradient the optimiser received, and the update applied —
// and what it derives: the per-feature table, the force view (first layers), the cosine
// matrices.
//
// It hooks the layer's activation point first (ActivationTaps::add with first = true), so
// its gradient hook runs before gating's and sees the plain gradient; the gate is then
// recomputed from the same activation with the same function gating uses
// (competitive_gate), so plain and gated are both exact.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <optional>
#include <string>

#include "debug/feature_table.h"
#include "debug/force_view.h"
#include "gating/competitive_gating.h"
#include "models/model.h"

namespace acc {

class LayerProbe {
 public:
  // acc::Error naming the model's layers when `layer` is not an activation point.
  LayerProbe(Model& model, std::string layer);
  ~LayerProbe();
  LayerProbe(const LayerProbe&) = delete;
  LayerProbe& operator=(const LayerProbe&) = delete;

  const std::string& layer() const { return layer_; }
  // The layer's weight parameter ("<layer>.weight"), undefined when it has none.
  const torch::Tensor& weight() const { return weight_; }
  // Empty when the force view applies to this layer; else why not.
  const std::string& force_unavailable() const { return force_unavailable_; }

  // The step's phases, called by the debugger (training thread).
  void begin_step();                           // forget the last step, remember W
  void set_input(const torch::Tensor& images);  // the model input of the recorded forward
  // Reads the gradients (before the update); with_force also computes the force view's
  // plain and gated weight gradients (two extra passes through the layer).
  void end_backward(const GatingConfig* gating, bool with_force = true);
  void end_step(double lr);                    // read the update

  bool recorded() const { return activation_.defined(); }
  const torch::Tensor& activation() const { return activation_; }
  const torch::Tensor& plain_grad() const { return plain_grad_; }  // dL/da before this layer's gate
  const torch::Tensor& gate() const { return gate_; }              // [B, C]; undefined = not gated
  const torch::Tensor& weight_before() const { return weight_before_; }  // W as the batch saw it
  const torch::Tensor& weight_grad() const { return weight_grad_; }
  const torch::Tensor& applied() const { return applied_; }       // W_after - W_before
  // dL/dW without / with this layer's gate (first layers only; else undefined).
  const torch::Tensor& plain_weight_grad() const { return plain_weight_grad_; }
  const torch::Tensor& gated_weight_grad() const { return gated_weight_grad_; }

  FeatureColumns columns() const;
  // The force view of this step; nullopt when unavailable (see force_unavailable()).
  std::optional<ForceView> force(double lr) const;

 private:
  void find_first_layer_module(Model& model);
  torch::Tensor weight_gradient_for(const torch::Tensor& activation_grad) const;

  Model& model_;
  std::string layer_;
  int64_t handle_ = 0;
  bool recording_ = false;
  torch::Tensor weight_;
  std::shared_ptr<torch::nn::Module> module_;  // Linear or Conv2d reading the model input
  std::string force_unavailable_;
  int64_t tile_h_ = 0, tile_w_ = 0;

  torch::Tensor activation_, plain_grad_, gate_, input_, weight_before_, weight_grad_, applied_;
  torch::Tensor plain_weight_grad_, gated_weight_grad_;
};

}  // namespace acc
