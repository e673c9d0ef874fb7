// The two outputs a reconstruction model can produce without looking at its input, scored
// on a set of images: an all-black image and the mean training image. A model that does
// not beat both has learnt nothing about the individual image (loss health's `trivial`
// class, and the registry-wide "learns" test). For MNIST, black is the per-pixel median,
// i.e. what L1 converges to when a network ignores its input.
#pragma once

#include <torch/torch.h>

namespace acc {

struct TrivialScores {
  double l1 = 0;    // mean absolute error per pixel
  double mse = 0;   // mean squared error per pixel
  double psnr = 0;  // mean over images of -10 log10(per-image MSE), MSE floored at 1e-10
};

struct TrivialBaselines {
  TrivialScores black;
  TrivialScores mean_image;
};

// Scores of one output `recon` ([B, ...], or one image broadcast over B) against `images`.
TrivialScores score_reconstruction(const torch::Tensor& recon, const torch::Tensor& images);

// Both baselines on `images`, the mean image taken over `train_images` (same image shape).
TrivialBaselines trivial_baselines(const torch::Tensor& train_images, const torch::Tensor& images);

}  // namespace acc
