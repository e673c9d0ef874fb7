// Task: a named training objective (and/or evaluation) on one dataset, optionally reading
// only a latent slice [start, end). Tasks are configuration, not inheritance: a
// classification probe on z[0:4) and one on all of z are the same class with different
// TaskConfig. A task reads only the ModelOutputs it declares, and states before training
// whether a model/dataset pair can serve it.
#pragma once

#include <torch/torch.h>

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>

#include "data/dataset.h"
#include "models/model.h"

namespace acc {

struct LatentSlice {
  int64_t start = 0;
  int64_t end = 0;  // exclusive
  int64_t size() const { return end - start; }
};

struct TaskConfig {
  std::string name;     // unique among attached tasks ("recon", "digit")
  std::string type;     // registry name ("reconstruction", ...)
  std::string dataset;  // name of a loaded dataset
  double weight = 1.0;  // multiplies the loss in the trainer's sum (beta for kl)
  std::optional<LatentSlice> latent_slice;
  nlohmann::json options = nlohmann::json::object();  // type-specific, defaults filled
  nlohmann::json to_json() const;
  static TaskConfig from_json(const nlohmann::json& j);
};

using Metrics = std::map<std::string, double>;

// The model's registry name ("conv_vae"), for error messages.
std::string model_type(const Model& model);

class Task {
 public:
  explicit Task(TaskConfig config) : config_(std::move(config)) {}
  virtual ~Task() = default;

  const TaskConfig& config() const { return config_; }
  const std::string& name() const { return config_.name; }

  virtual std::set<ModelOutput> required_outputs() const = 0;
  // Throws acc::Error when `model`/`dataset` cannot serve this task: a missing model
  // output (named), a slice outside the latent, a dataset without the needed labels or
  // factors, an image shape the model does not take. The base class checks outputs,
  // slice and image shape; overrides call it and add their own checks.
  virtual void check_compatible(const Model& model, const Dataset& dataset) const;
  // Creates probe heads (sized from the model's latent and the dataset) on `device`.
  virtual void bind(const Model& /*model*/, const Dataset& /*dataset*/,
                    const torch::Device& /*device*/) {}
  // Unweighted scalar loss on one batch; the trainer applies config().weight.
  virtual torch::Tensor loss(const ModelOutputs& outputs, const Batch& batch) = 0;
  // Metrics on the dataset's test split (model in eval mode, no grad).
  virtual Metrics evaluate(Model& model, const Dataset& dataset, const torch::Device& device) = 0;
  // Trainable parameters owned by the task (a linear probe), or nullptr.
  virtual std::shared_ptr<torch::nn::Module> head() { return nullptr; }
  // False for evaluation-only tasks (no training loss).
  virtual bool trains() const { return true; }
  // Per-unit data behind the last evaluate()'s scalars (per channel win rates, ...), or
  // null. The evaluate op writes it as a `units` artifact of the node.
  virtual nlohmann::json details() const { return nullptr; }
  // Training progress for tasks with per-epoch schedules (gmvae_kl): before every step the
  // train op passes the 0-based epoch the step belongs to (docs: "Epochs").
  virtual void set_epoch(int64_t /*epoch*/) {}
  // Numbers about the last loss() call for train.metrics (gmvae_kl: schedule weights and
  // q(c|x) usage), or null. The event writer adds them to the event's top level.
  virtual nlohmann::json step_diagnostics() const { return nullptr; }
  // The loss (unweighted, as loss() computes it) that an output ignoring the input reaches:
  // the lower of the all-black image's and the mean training image's, measured on (up to
  // the first 2,000 images of) `train`; nullopt for tasks where no such output exists.
  // Loss health's `trivial` class compares the training loss with it.
  virtual std::optional<double> trivial_loss(const Split& /*train*/) const { return std::nullopt; }

 protected:
  // The configured slice of a [B, D] tensor (the whole tensor when no slice is set).
  torch::Tensor sliced(const torch::Tensor& latent) const;
  // "task 'digit' (classification)": the prefix of this task's error messages.
  std::string describe() const;
  // outputs[which]; TORCH_CHECK (naming task and output) when the forward pass lacks it.
  const torch::Tensor& output(const ModelOutputs& outputs, ModelOutput which) const;
  // dataset.test; acc::Error when it is empty, since no metric is defined on zero images.
  const Split& test_split(const Dataset& dataset) const;

 private:
  TaskConfig config_;
};

using TaskPtr = std::shared_ptr<Task>;

// Runs the model over `split` in batches (eval mode, no grad) and calls fn per batch.
void for_each_eval_batch(Model& model, const Split& split, const torch::Device& device,
                         const std::function<void(const ModelOutputs&, const Batch&)>& fn,
                         int64_t batch_size = 500);

}  // namespace acc
