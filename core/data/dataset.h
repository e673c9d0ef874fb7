// Dataset: images as float [N, 1, H, W] in [0, 1] with optional integer class labels and
// optional ground-truth factor targets, split into train and test. Every source (IDX
// files, synthetic generators) produces this one type; tasks sample batches from it.
#pragma once

#include <torch/torch.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace acc {

struct Split {
  torch::Tensor images;   // float32 [N, 1, H, W] in [0, 1]
  torch::Tensor labels;   // int64 [N] class labels, or undefined
  torch::Tensor factors;  // float32 [N, F] ground-truth factors (synthetic: in [0, 1]; MNIST morphometry:
                          // px and degrees), or undefined
  int64_t size() const { return images.defined() ? images.size(0) : 0; }
};

struct Dataset {
  std::string name;    // the recipe's name for it ("mnist32")
  std::string source;  // registry name ("mnist", "fashion_mnist", "thickness", ...)
  Split train;
  Split test;
  int64_t num_classes = 0;                // 0 when there are no class labels
  std::vector<std::string> factor_names;  // one per column of Split::factors
  nlohmann::json info;                    // provenance: paths, seed, sizes (config.json)

  bool has_labels() const { return num_classes > 0; }
  bool has_factors() const { return !factor_names.empty(); }
  // Index of a factor column by name, or -1.
  int64_t factor_index(const std::string& factor) const;
  int64_t image_size() const { return train.images.size(-1); }
};

// Batch drawn from one dataset for one task step.
struct Batch {
  torch::Tensor images;
  torch::Tensor labels;   // undefined when the dataset has none
  torch::Tensor factors;  // undefined when the dataset has none
  int64_t size() const { return images.size(0); }
};

// Rows `indices` (int64 [B]) of a split, moved to `device`.
Batch gather_batch(const Split& split, const torch::Tensor& indices,
                   const torch::Device& device);

}  // namespace acc
