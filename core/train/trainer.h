// The trainer: a dumb pipe. Each step, every dataset used by an attached training task
// yields one random batch (sampled with replacement from the global torch generator, so a
// run is deterministic from its seed and resumable from a saved RNG state); the model runs
// once per dataset; each task computes its loss on its dataset's outputs; the weighted
// losses are summed, backpropagated, and Adam steps the model and every probe head.
//
// The trainer knows nothing of logging, progress, evaluation, debugging or gradient hooks:
// those are TrainObservers (or module hooks) plugged in by the caller. With no observers
// attached nothing extra runs in the loop beyond one relaxed atomic load for cancel.
#pragma once

#include <atomic>
#include <string>
#include <utility>
#include <vector>

#include "train/training_state.h"

namespace acc {

struct TrainSpec {
  int64_t steps = 0;
  int64_t batch_size = 128;
  double lr = 1e-3;
};

struct StepReport {
  int64_t step = 0;         // global step of the branch after this update
  int64_t phase_step = 0;   // 1..phase_steps within this train call
  int64_t phase_steps = 0;
  double loss = 0;          // weighted sum over tasks
  std::vector<std::pair<std::string, double>> task_losses;  // unweighted, attach order
};

enum class TrainStatus { kCompleted, kCancelled };

struct TrainOutcome {
  TrainStatus status = TrainStatus::kCompleted;
  int64_t steps_done = 0;
  double seconds = 0;
};

// Called on the training thread, in this order for each step: on_step_begin, then per
// dataset on_batch (after sampling, before the forward), on_backward_end (gradients are
// in .grad, the optimisers have not stepped yet), on_step_end (after the update).
// Observers must not change the batch or the gradients (hooks that do, like gradient
// gating, attach to the model instead).
class TrainObserver {
 public:
  virtual ~TrainObserver() = default;
  virtual void on_train_begin(const TrainSpec& /*spec*/, TrainingState& /*state*/) {}
  // `step`: the global step this update will make (state.step() + 1).
  virtual void on_step_begin(int64_t /*step*/, TrainingState& /*state*/) {}
  virtual void on_batch(const Dataset& /*dataset*/, const Batch& /*batch*/, TrainingState& /*state*/) {}
  // report.step and report.task_losses are filled; report.loss is the weighted total.
  virtual void on_backward_end(const StepReport& /*report*/, TrainingState& /*state*/) {}
  virtual void on_step_end(const StepReport& /*report*/, TrainingState& /*state*/) {}
  virtual void on_train_end(const TrainOutcome& /*outcome*/, TrainingState& /*state*/) {}
};

// Trains `state` for spec.steps steps. Stops early (status kCancelled) when *cancel
// becomes true, after finishing the current step. Throws acc::Error (exit code failure)
// naming the task and step when a loss is NaN or infinite, before that step's update.
TrainOutcome train(TrainingState& state, const TrainSpec& spec,
                   const std::vector<TrainObserver*>& observers = {},
                   const std::atomic<bool>* cancel = nullptr);

}  // namespace acc
