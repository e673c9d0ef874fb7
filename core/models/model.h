// Model: the interface every acc model implements. A model is an ordinary
// torch::nn::Module (submodules registered under their member names, see
// pytorch/examples dcgan) that also states which outputs it produces, its latent size,
// its input shape and its configuration as JSON (stored in checkpoints so a node can be
// rebuilt without the recipe).
#pragma once

#include <torch/torch.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "models/activation_taps.h"
#include "models/factor_group.h"
#include "models/model_output.h"

namespace acc {

struct ImageShape {
  int64_t channels = 1;
  int64_t height = 28;
  int64_t width = 28;
  int64_t numel() const { return channels * height * width; }
  std::string str() const;  // "1x28x28"
  bool operator==(const ImageShape& o) const {
    return channels == o.channels && height == o.height && width == o.width;
  }
};

class Model : public torch::nn::Module {
 public:
  // x: float [B, C, H, W] in [0, 1]. Returns at least the keys listed by outputs().
  virtual ModelOutputs forward(const torch::Tensor& x) = 0;
  // Decode a latent batch [B, latent_dim] to images [B, C, H, W] (traversals, samples).
  virtual torch::Tensor decode(const torch::Tensor& z) = 0;

  virtual std::set<ModelOutput> outputs() const = 0;
  virtual int64_t latent_dim() const = 0;
  virtual ImageShape input_shape() const = 0;
  // {"type": "<registry name>", ...every option needed to rebuild the model}.
  virtual nlohmann::json config() const = 0;
  // The latent's named parts, partitioning [0, latent_dim): traversals, sort-by-activation
  // and the slot-by-factor R² work per group. Flat models: one group per dimension ("z0",
  // "z1", ...); factor-slot models: their factor groups.
  virtual std::vector<FactorGroup> latent_groups() const;

  // Named activation points (forward hooks, see activation_taps.h). Submodules that
  // compute a named activation get a pointer to these at construction.
  ActivationTaps& taps() { return *taps_; }
  const ActivationTaps& taps() const { return *taps_; }

 private:
  std::shared_ptr<ActivationTaps> taps_ = std::make_shared<ActivationTaps>();
};

// Puts the model in eval mode for a scope and restores every module's own train/eval flag
// afterwards, not just the root's, so a submodule the caller froze in eval mode stays so.
class TrainingModeGuard {
 public:
  explicit TrainingModeGuard(Model& model);
  ~TrainingModeGuard();
  TrainingModeGuard(const TrainingModeGuard&) = delete;
  TrainingModeGuard& operator=(const TrainingModeGuard&) = delete;

 private:
  Model& model_;
  bool was_training_;
  std::vector<std::pair<std::shared_ptr<torch::nn::Module>, bool>> saved_;
};

using ModelPtr = std::shared_ptr<Model>;

}  // namespace acc
