// linear_ae: Linear(C*H*W, hidden) -> ReLU -> Linear(hidden, C*H*W) -> output activation.
#include "models/linear_ae.h"

namespace acc {

LinearAEImpl::LinearAEImpl(int64_t image_size, int64_t hidden, OutputActivation output)
    : shape_{/*channels=*/1, image_size, image_size},
      hidden_(hidden),
      output_(output),
      encoder(shape_.numel(), hidden),
      decoder(hidden, shape_.numel()) {
  register_module("encoder", encoder);
  register_module("decoder", decoder);
  taps().declare("encoder");
}

ModelOutputs LinearAEImpl::forward(const torch::Tensor& x) {
  TORCH_CHECK(x.dim() == 4 && x.size(1) == shape_.channels && x.size(2) == shape_.height &&
                  x.size(3) == shape_.width,
              "linear_ae expects [B, ", shape_.str(), "] input, got ", x.sizes());
  torch::Tensor latent = taps().tap("encoder", torch::relu(encoder(x.flatten(/*start_dim=*/1))));
  ModelOutputs out = {{ModelOutput::LATENT, latent}};
  add_reconstruction(out, decoder(latent).view({-1, shape_.channels, shape_.height, shape_.width}), output_);
  return out;
}

torch::Tensor LinearAEImpl::decode(const torch::Tensor& z) {
  return apply_output_activation(decoder(z), output_).view({-1, shape_.channels, shape_.height, shape_.width});
}

std::set<ModelOutput> LinearAEImpl::outputs() const {
  std::set<ModelOutput> outs = reconstruction_outputs(output_);
  outs.insert(ModelOutput::LATENT);
  return outs;
}

nlohmann::json LinearAEImpl::config() const {
  return {{"type", "linear_ae"}, {"hidden", hidden_}, {"image_size", shape_.height}, {"output", output_activation_name(output_)}};
}

}  // namespace acc
