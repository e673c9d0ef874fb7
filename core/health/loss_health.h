// Loss health: is each training task's loss still going somewhere useful?
//
// Every task that trains gets one LossHealthTracker, fed the task's unweighted loss each
// step. Classes are decided on window means (`window` steps each), so one noisy batch never
// flips a class, and are ranked diverging > trivial > plateau > healthy:
//
//   diverging  the loss is not finite, or a window's mean loss is >= diverge_factor (100x)
//              the lowest window mean so far, or the model's parameter L2 norm is not finite
//              or >= diverge_factor times its norm when the train op began (checked every
//              norm_every steps, so an exploding run is caught within a few steps);
//   trivial    reconstruction tasks only: the window's mean loss is >= trivial_ratio (0.8)
//              of the lower of two trivial losses on this dataset — the loss of an all-black
//              output and of the mean training image, same loss function (Task::trivial_loss,
//              computed once per dataset). For MSE, 0.8 is 1 dB of PSNR;
//   plateau    the window's mean improved by less than plateau_improvement (1%, relative)
//              on the window plateau_windows (5) windows earlier;
//   healthy    none of these.
//
// Nothing is decided before the first window closes except divergence, and plateau needs
// plateau_windows + 1 windows. LossHealthMonitor (below) is the TrainObserver that runs the
// trackers, emits `train.health` events when a class changes and can stop training.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "run/event_log.h"
#include "train/trainer.h"

namespace acc {

enum class Health { kHealthy, kPlateau, kTrivial, kDiverging };

std::string health_name(Health health);                       // "healthy", "plateau", ...
std::optional<Health> health_from_name(const std::string& name);

struct HealthThresholds {
  int64_t window = 100;
  int64_t plateau_windows = 5;
  double plateau_improvement = 0.01;
  double trivial_ratio = 0.8;
  double diverge_factor = 100.0;
  int64_t norm_every = 10;
};

struct HealthVerdict {
  Health health = Health::kHealthy;
  std::string reason;  // one clause for the terminal and the event: "window mean 0.098 >= 0.8 x ..."
};

// One task's loss sequence -> class. Pure: the tests feed it constructed sequences.
class LossHealthTracker {
 public:
  // `trivial_loss`: the lower trivial loss (see above), or nullopt for tasks without one.
  LossHealthTracker(HealthThresholds thresholds, std::optional<double> trivial_loss);
  // Feeds one step's loss. Returns a verdict when a window closes or the loss is not
  // finite, else nullopt.
  std::optional<HealthVerdict> add_loss(double loss);

 private:
  HealthThresholds t_;
  std::optional<double> trivial_loss_;
  double sum_ = 0;
  int64_t count_ = 0;
  std::vector<double> window_means_;
  double lowest_mean_ = 0;
};

// The parameter-norm side of divergence, shared by every task of one model: a verdict of
// kDiverging when `norm` is not finite or >= diverge_factor x `initial`, else nullopt.
std::optional<HealthVerdict> check_parameter_norm(double norm, double initial, const HealthThresholds& t);

// The observer. Per task: the tracker's latest window verdict, overridden by parameter-norm
// divergence; on every change of class it emits
//   train.health {step, task, health, previous, reason, from}
// and calls `warn` with a one-line message when the new class is not healthy. When the
// new class is in `stop_on`, it throws acc::Error after emitting, which ends the train op
// (and the run) as failed with that message.
class LossHealthMonitor : public TrainObserver {
 public:
  LossHealthMonitor(EventLog& log, HealthThresholds thresholds, std::set<Health> stop_on, std::string from,
                    std::function<void(const std::string&)> warn);
  void on_train_begin(const TrainSpec& spec, TrainingState& state) override;
  void on_step_end(const StepReport& report, TrainingState& state) override;

  // The current class per task (tests; absent until a task's first verdict).
  const std::map<std::string, Health>& classes() const { return current_; }

 private:
  void change(const std::string& task, const HealthVerdict& verdict, int64_t step);

  EventLog& log_;
  HealthThresholds t_;
  std::set<Health> stop_on_;
  std::string from_;
  std::function<void(const std::string&)> warn_;
  std::map<std::string, LossHealthTracker> trackers_;
  std::map<std::string, HealthVerdict> window_verdict_;
  std::map<std::string, Health> current_;
  double initial_norm_ = 0;
  bool norm_diverged_ = false;
  HealthVerdict norm_verdict_;
};

// L2 norm over all of the model's parameters.
double parameter_norm(TrainingState& state);

}  // namespace acc
