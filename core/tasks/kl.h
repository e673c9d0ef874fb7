// kl: the VAE regulariser KL(q(z|x) || N(0, I)) for a diagonal Gaussian posterior
// (Kingma & Welling 2014, appendix B):
//   KL = -0.5 * sum_j (1 + logvar_j - mu_j^2 - exp(logvar_j)).
// Option `reduction` (tasks/reduction.h): mean (default) averages over the batch and the
// (sliced) latent dimensions, so the scale does not change with the slice width; sum sums
// over the dimensions and averages over the batch, the KL term of the per-image ELBO.
// config().weight plays the role of beta in a beta-VAE (Higgins et al. 2017); the trainer
// applies it.
#pragma once

#include "tasks/reduction.h"
#include "tasks/task.h"

namespace acc {

// The per-element KL term -0.5 * (1 + logvar - mu^2 - exp(logvar)), same shape as mu.
torch::Tensor kl_terms(const torch::Tensor& mu, const torch::Tensor& logvar);

class KLTask : public Task {
 public:
  explicit KLTask(TaskConfig config);

  std::set<ModelOutput> required_outputs() const override {
    return {ModelOutput::MU, ModelOutput::LOGVAR};
  }
  // kl_terms over the batch and the sliced dimensions, reduced by `reduction`.
  torch::Tensor loss(const ModelOutputs& outputs, const Batch& batch) override;
  // On the test split:
  //   "kl"            the loss formula (with its reduction) over the whole split;
  //   "kl_dim_<i>"    mean KL term of latent dimension i (absolute index, two digits),
  //                   one per dimension in the slice;
  //   "active_units"  dimensions in the slice whose mean mu varies across the split
  //                   (population variance > 0.01), as in Burda et al. 2016: a
  //                   dimension whose mean ignores the input carries no information.
  Metrics evaluate(Model& model, const Dataset& dataset, const torch::Device& device) override;

 private:
  Reduction reduction_ = Reduction::kMean;
};

}  // namespace acc
