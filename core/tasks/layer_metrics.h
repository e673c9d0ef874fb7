// Evaluation-only tasks that measure one named layer of the model (specialisation
// metrics for the competitive-gradient-gating experiments). They have no training loss:
// attach them next to training tasks, and the evaluate op (or the train op's eval_every)
// records their metrics. Option `layer` names the layer by module path: its weight is
// the parameter "<layer>.weight", its activation the model's activation point of that
// name (models/activation_taps.h). Definitions of every metric: analysis/specialisation.h.
//
//   weight_diversity     cosine_mean, cosine_abs_mean, cosine_max, rows
//                        (pairwise cosine of the weight rows; lower = more diverse)
//   effective_rank       effective_rank, effective_rank_ratio (/ min(rows, cols))
//   activation_sparsity  fraction_active, fraction_active_var, hoyer, silent_fraction,
//                        dead_fraction, win_rate_max, winners_effective on the dataset's
//                        test split; details(): per-channel win_rate, usage, mean_strength, dead
#pragma once

#include <memory>

#include "analysis/specialisation.h"
#include "tasks/task.h"

namespace acc {

class LayerMetricTask : public Task {
 public:
  using Task::Task;
  std::set<ModelOutput> required_outputs() const override { return {}; }
  bool trains() const override { return false; }
  torch::Tensor loss(const ModelOutputs& outputs, const Batch& batch) override;
  // The base checks, a latent_slice refused (it does not apply), and the layer present.
  void check_compatible(const Model& model, const Dataset& dataset) const override;

 protected:
  std::string layer() const { return config().options.value("layer", ""); }
  // True: the layer needs a weight ("<layer>.weight", 2+ dims); false: an activation point.
  virtual bool reads_weight() const = 0;
  // "<layer>.weight"; acc::Error listing the layers with weights when absent.
  torch::Tensor layer_weight(const Model& model) const;
};

class WeightDiversityTask : public LayerMetricTask {
 public:
  using LayerMetricTask::LayerMetricTask;
  Metrics evaluate(Model& model, const Dataset& dataset, const torch::Device& device) override;

 protected:
  bool reads_weight() const override { return true; }
};

class EffectiveRankTask : public LayerMetricTask {
 public:
  using LayerMetricTask::LayerMetricTask;
  Metrics evaluate(Model& model, const Dataset& dataset, const torch::Device& device) override;

 protected:
  bool reads_weight() const override { return true; }
};

class ActivationSparsityTask : public LayerMetricTask {
 public:
  using LayerMetricTask::LayerMetricTask;
  Metrics evaluate(Model& model, const Dataset& dataset, const torch::Device& device) override;
  nlohmann::json details() const override { return details_; }

 protected:
  bool reads_weight() const override { return false; }

 private:
  nlohmann::json details_;
};

}  // namespace acc
