// reconstruction: trains the model to reproduce its input. Option `loss`:
//   l1  (default)  |recon - x|
//   mse            (recon - x)^2
//   bce            the Bernoulli negative log-likelihood of x in [0, 1] under the decoder's
//                  logits l: max(l, 0) - l x + log(1 + exp(-|l|)) (torch
//                  binary_cross_entropy_with_logits: exact and finite for every l, also at
//                  x = 0 and 1). It is computed from logits, not from probabilities, so it
//                  needs a model built with `output: sigmoid` (RECONSTRUCTION_LOGITS); a clamp
//                  output has no logit and is refused at plan time.
// Option `reduction` (tasks/reduction.h): mean over pixels (default) or sum over one image's
// pixels averaged over the batch; bce + sum is the per-image negative log-likelihood in nats.
// The defaults (l1, mean) are torch's l1_loss exactly, as before these options existed.
// With a mixture model's per-component reconstructions in the outputs (gmvae, component_sampling
// marginal, training only) the loss is their expectation under q(c|x):
//   mean_batch sum_c q(c|x) * loss(x, decode(z_c)), each loss reduced over the image as above.
//
// Metrics on the test split: "l1" and "mse" are means over every pixel of the split (and
// "bce", per pixel, when loss is bce); "loss" is the training loss (its loss and reduction)
// over the split; "psnr" is the per-image average of 10 * log10(1 / mse_i) in dB with data
// range 1.0, where mse_i is one image's mean squared error floored at 1e-10 (so a perfect
// reconstruction scores 100 dB instead of infinity). Averaging per image, not computing
// PSNR of the pooled MSE, is what image-restoration papers usually report.
// "psnr_over_trivial" is psnr minus the PSNR of the better of two outputs that ignore the
// input, on the same test images: an all-black image and the mean training image
// (analysis/trivial_baselines.h). At or below 0 the model has learnt nothing about the
// individual image.
#pragma once

#include <map>

#include "tasks/reduction.h"
#include "tasks/task.h"

namespace acc {

enum class ReconstructionLoss { kL1, kMse, kBce };

// Per-pixel terms of `loss` ([B, C, H, W]); `logits` is only read by kBce.
torch::Tensor reconstruction_terms(ReconstructionLoss loss, const torch::Tensor& recon, const torch::Tensor& logits,
                                   const torch::Tensor& images);

class ReconstructionTask : public Task {
 public:
  explicit ReconstructionTask(TaskConfig config);

  std::set<ModelOutput> required_outputs() const override;
  // Adds: loss bce names the model option that provides logits.
  void check_compatible(const Model& model, const Dataset& dataset) const override;
  torch::Tensor loss(const ModelOutputs& outputs, const Batch& batch) override;
  Metrics evaluate(Model& model, const Dataset& dataset, const torch::Device& device) override;
  std::optional<double> trivial_loss(const Split& train) const override;

 private:
  torch::Tensor expected_component_loss(const ModelOutputs& outputs, const Batch& batch) const;
  // PSNR of the better trivial output (all-black, mean training image) on the test split,
  // computed once per dataset: the reference of the psnr_over_trivial metric.
  double trivial_psnr(const Dataset& dataset);

  ReconstructionLoss loss_ = ReconstructionLoss::kL1;
  Reduction reduction_ = Reduction::kMean;
  std::map<const Dataset*, double> trivial_psnr_;
};

}  // namespace acc
