// TrainEventWriter: the observer that turns training steps into events.
// Every `every` steps it emits
//   train.metrics  {step, phase_step, loss, losses: {task: mean over the interval}, from,
//                   ...every attached task's step_diagnostics() of the logged step}
//   train.progress {step, phase_step, phase_steps, steps_per_second, eta_seconds, from}
// and always once at the last step, so curves end exactly where training ended. `from` is
// the tag of the node the branch last saved or forked ("" before any): branches of one run
// trained by concurrent processes (acc plan + make -j) interleave in the log, and readers
// group by it.
#pragma once

#include <chrono>
#include <map>
#include <string>

#include "run/event_log.h"
#include "train/trainer.h"

namespace acc {

class TrainEventWriter : public TrainObserver {
 public:
  TrainEventWriter(EventLog& log, int64_t every, std::string from = "")
      : log_(log), every_(every < 1 ? 1 : every), from_(std::move(from)) {}
  void on_train_begin(const TrainSpec& spec, TrainingState& state) override;
  void on_step_end(const StepReport& report, TrainingState& state) override;

 private:
  EventLog& log_;
  int64_t every_;
  std::string from_;
  std::chrono::steady_clock::time_point start_;
  std::map<std::string, double> sums_;
  double loss_sum_ = 0;
  int64_t count_ = 0;
};

// Default event interval for a train op of `steps` steps: about 500 points per curve.
int64_t default_log_every(int64_t steps);

}  // namespace acc
