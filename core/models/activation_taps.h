// ActivationTaps: forward hooks for acc models, by layer name.
//
// LibTorch's C++ nn::Module has no register_forward_hook (PyTorch's has), so every acc
// model calls tap("<layer>", activation) in forward() at each named activation point and
// declares the names in its constructor. Observers subscribe by name: competitive gradient
// gating registers a gradient hook on the tapped tensor, activation metrics copy it.
//
// A point is named after the module path of its layer ("encoder.conv1", so the same name
// finds the layer's weight, "encoder.conv1.weight"), and the tapped tensor is that layer's
// activation: its output after the nonlinearity, i.e. what the next layer reads. For a
// layer without a nonlinearity it is the layer's raw output.
//
// With no hook registered, tap() is one branch on an empty vector.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace acc {

class ActivationTaps {
 public:
  using Hook = std::function<void(const torch::Tensor& activation)>;

  // Called by models' constructors, in forward order.
  void declare(const std::string& point) { points_.push_back(point); }
  const std::vector<std::string>& points() const { return points_; }
  bool has(const std::string& point) const;
  // "encoder.conv1, encoder.conv2" for error messages.
  std::string point_names() const;

  // Runs `hook` on every activation of `point` until remove(handle). acc::Error naming
  // the model's points when `point` is not one of them. Hooks run in the order added, or
  // before all others with `first` — the debugger's probe must register its gradient hook
  // on the activation before gating does, to see the gradient before the gate.
  int64_t add(const std::string& point, Hook hook, bool first = false);
  void remove(int64_t handle);
  bool empty() const { return hooks_.empty(); }

  // Runs the hooks registered on `point`; returns `activation` so calls can wrap expressions.
  const torch::Tensor& tap(const char* point, const torch::Tensor& activation) const {
    if (!hooks_.empty()) run(point, activation);
    return activation;
  }

 private:
  void run(const char* point, const torch::Tensor& activation) const;

  struct Entry {
    int64_t handle;
    std::string point;
    Hook hook;
  };
  std::vector<std::string> points_;
  std::vector<Entry> hooks_;
  int64_t next_handle_ = 1;
};

// Registers a hook for the lifetime of the object (RAII over add/remove).
class ScopedActivationHook {
 public:
  ScopedActivationHook(ActivationTaps& taps, const std::string& point, ActivationTaps::Hook hook)
      : taps_(taps), handle_(taps.add(point, std::move(hook))) {}
  ~ScopedActivationHook() { taps_.remove(handle_); }
  ScopedActivationHook(const ScopedActivationHook&) = delete;
  ScopedActivationHook& operator=(const ScopedActivationHook&) = delete;

 private:
  ActivationTaps& taps_;
  int64_t handle_;
};

}  // namespace acc
