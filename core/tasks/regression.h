// regression: a linear probe from the (sliced) latent to the dataset's ground-truth factors
// (all of them, or the one named by the `factor` option), trained with mean squared error.
// It measures how linearly the latent encodes each generative factor.
#pragma once

#include "tasks/probe.h"

namespace acc {

// "mse" and "mae" over all entries, and "r2": the coefficient of determination
// 1 - SS_res / SS_tot computed per target column and then averaged over columns, so each
// factor counts equally whatever its spread. A constant column (SS_tot = 0) scores 1 when
// predicted exactly and 0 otherwise (scikit-learn's convention). Both tensors [N, T].
Metrics regression_metrics(const torch::Tensor& predictions, const torch::Tensor& targets);

class RegressionTask : public ProbeTask {
 public:
  using ProbeTask::ProbeTask;

  // Adds: the dataset must have factors, and a named `factor` must be one of them.
  void check_compatible(const Model& model, const Dataset& dataset) const override;
  void bind(const Model& model, const Dataset& dataset, const torch::Device& device) override;
  // Mean squared error of the probe's predictions against the selected factor columns.
  torch::Tensor loss(const ModelOutputs& outputs, const Batch& batch) override;
  // regression_metrics on the test split.
  Metrics evaluate(Model& model, const Dataset& dataset, const torch::Device& device) override;

 protected:
  int64_t probe_outputs(const Dataset& dataset) const override;

 private:
  const std::string& factor() const;
  torch::Tensor targets(const Batch& batch) const;
  int64_t factor_column_ = -1;  // -1: every factor column
};

}  // namespace acc
