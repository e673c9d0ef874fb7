// Trivial reconstruction baselines; see trivial_baselines.h.
#include "analysis/trivial_baselines.h"

namespace acc {

namespace {
constexpr double kMseFloor = 1e-10;  // the reconstruction task's PSNR floor, so scores compare
}

TrivialScores score_reconstruction(const torch::Tensor& recon, const torch::Tensor& images) {
  torch::NoGradGuard no_grad;
  const torch::Tensor x = images.to(torch::kDouble);
  const torch::Tensor err = recon.to(torch::kDouble).expand_as(x) - x;
  const torch::Tensor mse_i = err.square().flatten(/*start_dim=*/1).mean(/*dim=*/1);
  TrivialScores s;
  s.l1 = err.abs().mean().item<double>();
  s.mse = err.square().mean().item<double>();
  s.psnr = (-10.0 * mse_i.clamp_min(kMseFloor).log10()).mean().item<double>();
  return s;
}

TrivialBaselines trivial_baselines(const torch::Tensor& train_images, const torch::Tensor& images) {
  torch::NoGradGuard no_grad;
  TrivialBaselines b;
  b.black = score_reconstruction(torch::zeros_like(images.select(0, 0)).unsqueeze(0), images);
  b.mean_image = score_reconstruction(train_images.to(torch::kDouble).mean(/*dim=*/0, /*keepdim=*/true), images);
  return b;
}

}  // namespace acc
