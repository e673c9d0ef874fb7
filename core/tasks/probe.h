// ProbeTask: the shared base of tasks that read the (sliced) latent through a linear probe
// (classification, regression). They differ only in the probe's output size, the target
// and the loss, so the probe's construction, ownership and device placement live here once.
// The probe is a Linear registered as "probe" in a holder module returned by head(); the
// trainer puts its parameters in an optimiser of its own.
#pragma once

#include "tasks/task.h"

namespace acc {

class ProbeTask : public Task {
 public:
  using Task::Task;

  std::set<ModelOutput> required_outputs() const override { return {ModelOutput::LATENT}; }
  // Builds a fresh probe Linear(slice size, probe_outputs(dataset)) on `device`, its
  // initial weights drawn from the global torch generator.
  void bind(const Model& model, const Dataset& dataset, const torch::Device& device) override;
  std::shared_ptr<torch::nn::Module> head() override { return head_; }

 protected:
  virtual int64_t probe_outputs(const Dataset& dataset) const = 0;
  // The probe applied to the sliced LATENT of `outputs`: [B, probe_outputs].
  torch::Tensor predict(const ModelOutputs& outputs);

 private:
  std::shared_ptr<torch::nn::Module> head_;
  torch::nn::Linear probe_{nullptr};
};

}  // namespace acc
