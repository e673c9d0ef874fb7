// Decoder output activations; see output_activation.h for why the default is a clamp.
#include "models/output_activation.h"

#include "error.h"

namespace acc {

torch::Tensor apply_output_activation(const torch::Tensor& pre, OutputActivation activation) {
  if (activation == OutputActivation::kSigmoid) return torch::sigmoid(pre);
  // Forward: clamp to [0, 1]. Backward: the clamp's correction is detached, so the gradient
  // is the identity's.
  return pre + (pre.clamp(/*min=*/0, /*max=*/1) - pre).detach();
}

void add_reconstruction(ModelOutputs& out, const torch::Tensor& pre, OutputActivation activation) {
  out[ModelOutput::RECONSTRUCTION] = apply_output_activation(pre, activation);
  if (activation == OutputActivation::kSigmoid) out[ModelOutput::RECONSTRUCTION_LOGITS] = pre;
}

std::set<ModelOutput> reconstruction_outputs(OutputActivation activation) {
  if (activation == OutputActivation::kSigmoid) return {ModelOutput::RECONSTRUCTION, ModelOutput::RECONSTRUCTION_LOGITS};
  return {ModelOutput::RECONSTRUCTION};
}

std::string output_activation_name(OutputActivation activation) {
  return activation == OutputActivation::kSigmoid ? "sigmoid" : "clamp";
}

OutputActivation output_activation_from_name(const std::string& name) {
  if (name == "clamp") return OutputActivation::kClamp;
  if (name == "sigmoid") return OutputActivation::kSigmoid;
  throw Error("field 'output' must be clamp (default) or sigmoid, got '" + name + "'");
}

}  // namespace acc
