// DebugController: pause, step and inspect any training loop, as a TrainObserver.
//
// The trainer does not know it exists. Until something asks (pause, step, --pause-at,
// watch), each step costs one relaxed atomic load and an integer compare: no hooks are
// attached and nothing is copied. When engaged, a step is *captured*: the layer probes
// record activations and gradients, the batch is cloned, and after the update the step's
// data (StepData) is filled; while paused or stepping the capture is also written to
// <run>/debug/<from>/step_<N>/ and announced (docs/debugger.md).
//
// Threads: the training thread calls the observer methods and blocks in on_step_end while
// paused; controls (pause/resume/step/watch/...) come from any other thread — the run's
// ControlServer, or a test. Cancel always wins: a paused run polls the cancel flag and
// returns, and the trainer then stops before its next step.
#pragma once

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "debug/capture_writer.h"
#include "debug/control_channel.h"
#include "debug/debug_options.h"
#include "debug/layer_probe.h"
#include "debug/step_data.h"
#include "debug/trajectories.h"
#include "run/event_log.h"
#include "train/trainer.h"

namespace acc {

class DebugController : public TrainObserver {
 public:
  // `from`: the run's current branch tag (read at each train op); `cancel`: the run's
  // cancel flag (set by acc cancel / Ctrl-C / the `cancel` command via run_dir/CANCEL).
  DebugController(DebugOptions options, std::filesystem::path run_dir, EventLog* events, const std::string* from,
                  const std::atomic<bool>* cancel);
  ~DebugController() override;

  // Starts answering `acc ctl` through <run>/debug/control/ (control_channel.h). False when
  // another process of the same run (a make -j segment) already answers it.
  bool listen();

  // Controls (any thread). pause/resume/step/state return the state object.
  nlohmann::json pause();
  nlohmann::json resume();
  nlohmann::json step(int64_t n);  // acc::Error unless paused, or n < 1
  nlohmann::json cancel();
  nlohmann::json state() const;
  nlohmann::json watch(const std::vector<int64_t>& features);
  nlohmann::json unwatch(const std::vector<int64_t>& features);
  nlohmann::json keys() const;
  nlohmann::json data(const std::string& key) const;
  nlohmann::json write_trajectories();  // {path}
  // The control channel's dispatcher: {cmd, args} -> result (acc::Error on bad input).
  nlohmann::json handle(const std::string& cmd, const nlohmann::json& args);

  // For hooks that want to add to the current step: non-null only while a step that will
  // pause or is being stepped runs (training thread).
  StepData* capturing_step_data() { return capturing_ && full_capture_ ? &step_data_ : nullptr; }
  const StepData& step_data() const { return step_data_; }
  bool paused() const;
  // Blocks until paused (or `seconds` pass); true when paused. For tests and tools.
  bool wait_until_paused(double seconds) const;

  // TrainObserver
  void on_train_begin(const TrainSpec& spec, TrainingState& state) override;
  void on_step_begin(int64_t step, TrainingState& state) override;
  void on_batch(const Dataset& dataset, const Batch& batch, TrainingState& state) override;
  void on_backward_end(const StepReport& report, TrainingState& state) override;
  void on_step_end(const StepReport& report, TrainingState& state) override;
  void on_train_end(const TrainOutcome& outcome, TrainingState& state) override;

 private:
  nlohmann::json state_locked() const;
  void update_engaged_locked();
  bool cancel_requested() const;
  void ensure_probes(TrainingState& state);
  void apply_watch_requests(int64_t step);
  void record_step_data(const StepReport& report, const std::vector<FeatureColumns>& columns);
  void emit_state(const std::string& state, int64_t step, const std::string& reason);
  nlohmann::json write_trajectories_locked();
  torch::Tensor primary_weight_rows() const;

  DebugOptions options_;
  std::filesystem::path run_dir_;
  EventLog* events_;
  const std::string* from_;
  const std::atomic<bool>* cancel_;
  std::atomic<bool> internal_cancel_{false};
  std::unique_ptr<ControlServer> server_;

  // The one flag a step checks: anything that needs a capture.
  std::atomic<bool> engaged_{false};
  std::atomic<int64_t> last_step_{0};

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  bool paused_ = false;
  bool pause_requested_ = false;
  int64_t stepping_left_ = 0;
  bool pause_at_done_ = false;
  bool has_batch_ = false;
  std::string last_capture_dir_;
  std::string branch_;
  std::vector<std::string> layers_;  // resolved for the current model
  int64_t primary_features_ = -1;    // features of layers_[0] (watch ids), -1 unknown
  std::vector<std::pair<bool, std::vector<int64_t>>> watch_requests_;  // (watch?, ids), applied per step
  std::vector<int64_t> watched_;     // mirror of trajectories_.watched() for other threads
  Trajectories trajectories_;
  torch::Tensor trajectory_weights_;  // primary layer's weights at the last record

  // Training thread only.
  bool capturing_ = false;
  bool full_capture_ = false;  // this step will be written (paused/stepping), not just recorded
  ModelPtr probed_model_;
  std::vector<std::unique_ptr<LayerProbe>> probes_;
  CapturedBatch batch_;
  StepData step_data_;
  double last_trajectory_write_ = 0;
};

}  // namespace acc
