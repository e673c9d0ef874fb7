// Progress display for long work. On a terminal: one live line per train phase with
// step/total, per-task losses, steps/s and ETA, redrawn at most 10 times a second. When
// stderr is not a terminal (CI, logs, make -j): a plain line every `interval` seconds and
// at the end of each phase. --quiet shows nothing but errors and the final result.
#pragma once

#include <chrono>
#include <iosfwd>
#include <string>

#include "recipe/context.h"
#include "train/trainer.h"

namespace acc::cli {

enum class ProgressMode { kLive, kPlain, kQuiet };

class ProgressPrinter : public TrainObserver, public RunListener {
 public:
  ProgressPrinter(std::ostream& out, ProgressMode mode, double plain_interval_seconds = 5.0);

  void on_train_begin(const TrainSpec& spec, TrainingState& state) override;
  void on_step_end(const StepReport& report, TrainingState& state) override;
  void on_train_end(const TrainOutcome& outcome, TrainingState& state) override;

  void on_run_created(const std::string& run_id, const std::string& dir) override;
  void on_phase(const std::string& name) override;
  void on_log(const std::string& message) override;
  void on_warning(const std::string& message) override;
  void on_checkpoint(const NodeMeta& node) override;
  void on_eval(const std::string& node_tag, const nlohmann::json& metrics) override;

 private:
  std::string status_line(const StepReport& report) const;
  void print_line(const std::string& line);

  std::ostream& out_;
  ProgressMode mode_;
  double plain_interval_;
  std::string phase_;
  std::chrono::steady_clock::time_point start_, last_print_;
  bool live_line_open_ = false;
};

}  // namespace acc::cli
