// reconstruction: trains the model to reproduce its input, with an L1 loss (mean
// absolute error over pixels) or, with option `loss: mse`, the mean squared error over
// pixels (torch mse_loss, reduction mean: supervised_ae and gmvae use it).
// Metrics on the test split: "l1" and "mse" are means over every pixel of the split;
// "psnr" is the per-image average of 10 * log10(1 / mse_i) in dB with data range 1.0,
// where mse_i is one image's mean squared error floored at 1e-10 (so a perfect
// reconstruction scores 100 dB instead of infinity). Averaging per image, not computing
// PSNR of the pooled MSE, is what image-restoration papers usually report.
// "psnr_over_trivial" is psnr minus the PSNR of the better of two outputs that ignore the
// input, on the same test images: an all-black image and the mean training image
// (analysis/trivial_baselines.h). At or below 0 the model has learnt nothing about the
// individual image.
#pragma once

#include <map>

#include "tasks/task.h"

namespace acc {

class ReconstructionTask : public Task {
 public:
  explicit ReconstructionTask(TaskConfig config);

  std::set<ModelOutput> required_outputs() const override { return {ModelOutput::RECONSTRUCTION}; }
  torch::Tensor loss(const ModelOutputs& outputs, const Batch& batch) override;
  Metrics evaluate(Model& model, const Dataset& dataset, const torch::Device& device) override;
  std::optional<double> trivial_loss(const Split& train) const override;

 private:
  // PSNR of the better trivial output (all-black, mean training image) on the test split,
  // computed once per dataset: the reference of the psnr_over_trivial metric.
  double trivial_psnr(const Dataset& dataset);

  bool mse_ = false;
  std::map<const Dataset*, double> trivial_psnr_;
};

}  // namespace acc
