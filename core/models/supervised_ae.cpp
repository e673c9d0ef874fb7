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
  ModelOutputs out = {{ModelOutput::LATENT, latent}, {ModelOutput::LOGITS, classifier(latent)}};
  add_reconstruction(out, latent);
  return out;
}

std::set<ModelOutput> SupervisedAEImpl::outputs() const {
  return with_reconstruction({ModelOutput::LATENT, ModelOutput::LOGITS});
}

nlohmann::json SupervisedAEImpl::config() const {
  nlohmann::json c = ConvModel::config();
  c["classes"] = classes_;
  return c;
}

}  // namespace acc
