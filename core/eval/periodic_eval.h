// PeriodicEvaluator: the train op's `eval_every`. A TrainObserver that evaluates the
// attached evaluation-only tasks (or the ones named) while training runs, so metrics such
// as weight diversity or activation sparsity become a timeline: when does specialisation
// emerge? Each evaluation emits
//   train.eval {step, from, metrics: {task: {metric: value}}}
// at the start of the train op, every `every` global steps, and at its last step. Tasks
// evaluate on the first `max_images` test images of their dataset (0 = all).
//
// Evaluating must not change training: the model is put in eval mode and back (with
// TrainingModeGuard inside each task), gradients are off, and the global RNG state is
// saved and restored around it, so a run with eval_every is bitwise the run without it.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "run/event_log.h"
#include "train/trainer.h"

namespace acc {

class PeriodicEvaluator : public TrainObserver {
 public:
  // acc::Error when a name in `task_names` is not attached.
  PeriodicEvaluator(EventLog& log, const TrainingState& state, int64_t every, std::vector<std::string> task_names,
                    int64_t max_images, std::string from);
  void on_train_begin(const TrainSpec& spec, TrainingState& state) override;
  void on_step_end(const StepReport& report, TrainingState& state) override;
  bool active() const { return !task_names_.empty(); }

 private:
  void evaluate(TrainingState& state);
  const Dataset& subset(const std::shared_ptr<const Dataset>& dataset);

  EventLog& log_;
  int64_t every_;
  std::vector<std::string> task_names_;
  int64_t max_images_;
  std::string from_;
  int64_t last_step_ = -1;
  std::map<const Dataset*, Dataset> subsets_;
};

}  // namespace acc
