// Linear-probe plumbing shared by the classification and regression tasks.
#include "tasks/probe.h"

namespace acc {

void ProbeTask::bind(const Model& model, const Dataset& dataset, const torch::Device& device) {
  const int64_t in = config().latent_slice ? config().latent_slice->size() : model.latent_dim();
  head_ = std::make_shared<torch::nn::Module>("ProbeHead");
  probe_ = head_->register_module("probe", torch::nn::Linear(in, probe_outputs(dataset)));
  head_->to(device);
}

torch::Tensor ProbeTask::predict(const ModelOutputs& outputs) {
  // A missing head is a trainer bug (bind() skipped), not a user error.
  TORCH_CHECK(head_ != nullptr, describe(), ": bind() must be called before loss() or evaluate()");
  return probe_->forward(sliced(output(outputs, ModelOutput::LATENT)));
}

}  // namespace acc
