// supervised_ae: conv autoencoder with a jointly trained linear classifier on the latent.
#include "models/supervised_ae.h"

namespace acc {

SupervisedAEImpl::SupervisedAEImpl(int64_t image_size, int64_t latent, int64_t classes,
                                   OutputActivation output)
    : ConvModel("supervised_ae", image_size, latent, output, {"fc_enc"}), classes_(classes), classifier(latent, classes) {
  register_module("classifier", classifier);
}

ModelOutputs SupervisedAEImpl::forward(const torch::Tensor& x) {
  torch::Tensor latent = encoder(x).at(0);
  return {{ModelOutput::LATENT, latent},
          {ModelOutput::RECONSTRUCTION, decoder(latent)},
          {ModelOutput::LOGITS, classifier(latent)}};
}

std::set<ModelOutput> SupervisedAEImpl::outputs() const {
  return {ModelOutput::LATENT, ModelOutput::RECONSTRUCTION, ModelOutput::LOGITS};
}

nlohmann::json SupervisedAEImpl::config() const {
  nlohmann::json c = ConvModel::config();
  c["classes"] = classes_;
  return c;
}

}  // namespace acc
