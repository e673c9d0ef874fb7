// The evaluation set in latent space: every image of a dataset split encoded once (eval
// mode, no grad) to its latent mean — MU for a VAE (the posterior mean; z is sampled only
// in training), LATENT for a plain autoencoder. Projections, kNN, sort-by-activation and
// disentanglement scores all read this, so they describe the same points.
#pragma once

#include <torch/torch.h>

#include <string>

#include "data/dataset.h"
#include "models/model.h"

namespace acc {

struct LatentCodes {
  std::string dataset;
  std::string split;          // "test", "train" or "all" (train rows, then test rows)
  std::string source_output;  // "mu" or "latent"
  torch::Tensor means;        // float32 [N, D], CPU
  torch::Tensor index;        // int64 [N]: row in the split ("all": train i -> i, test j -> n_train + j)
  torch::Tensor labels;       // int64 [N] or undefined
  torch::Tensor factors;      // float32 [N, F] or undefined
  torch::Tensor images;       // float32 [N, C, H, W] (the inputs, for thumbnails), CPU
  int64_t size() const { return means.defined() ? means.size(0) : 0; }
};

// The split's images and labels as one Split ("all" concatenates train then test).
// acc::Error naming the dataset and split when it is empty or the split name is unknown.
Split select_split(const Dataset& dataset, const std::string& split);

LatentCodes encode_split(Model& model, const Dataset& dataset, const std::string& split, const torch::Device& device);

}  // namespace acc
