// conv_ae: the shared conv encoder with one latent head, then the shared conv decoder.
#include "models/conv_ae.h"

namespace acc {

ConvAEImpl::ConvAEImpl(int64_t image_size, int64_t latent, OutputActivation output)
    : ConvModel("conv_ae", image_size, latent, output, {"fc_enc"}) {}

ModelOutputs ConvAEImpl::forward(const torch::Tensor& x) {
  torch::Tensor latent = encoder(x).at(0);
  ModelOutputs out = {{ModelOutput::LATENT, latent}};
  add_reconstruction(out, latent);
  return out;
}

std::set<ModelOutput> ConvAEImpl::outputs() const {
  return with_reconstruction({ModelOutput::LATENT});
}

}  // namespace acc
