// DebugController; see debug_controller.h and docs/debugger.md.
#include "debug/debug_controller.h"

#include <chrono>

#include "error.h"
#include "gating/gating_state.h"
#include "run/run_format.h"
#include "util/json_io.h"

namespace acc {

namespace fs = std::filesystem;

namespace {

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Trajectories are rewritten at most this often while a watched run trains unpaused.
constexpr double kTrajectoryWriteSeconds = 2.0;

std::vector<int64_t> feature_ids(const nlohmann::json& args) {
  const nlohmann::json& f = args.contains("features") ? args["features"] : nlohmann::json::array();
  if (!f.is_array() || f.empty()) throw Error("watch/unwatch: give feature ids, e.g. {\"features\": [3, 17]}");
  std::vector<int64_t> ids;
  for (const auto& v : f) {
    if (!v.is_number_integer() || v.get<int64_t>() < 0)
      throw Error("watch/unwatch: feature ids are non-negative integers, got " + v.dump());
    ids.push_back(v.get<int64_t>());
  }
  return ids;
}

}  // namespace

DebugController::DebugController(DebugOptions options, fs::path run_dir, EventLog* events, const std::string* from,
                                 const std::atomic<bool>* cancel)
    : options_(std::move(options)),
      run_dir_(std::move(run_dir)),
      events_(events),
      from_(from),
      cancel_(cancel),
      trajectories_(options_.trajectory_cap) {}

DebugController::~DebugController() {
  server_.reset();  // stop answering before the state goes away
  probes_.clear();
}

bool DebugController::listen() {
  if (control_is_live(run_dir_)) return false;
  try {
    server_ = std::make_unique<ControlServer>(run_dir_, [this](const std::string& cmd, const nlohmann::json& args) {
      return handle(cmd, args);
    });
  } catch (const Error&) {
    return false;  // lost the race to another process of the run
  }
  return true;
}

// ---- controls -------------------------------------------------------------------------

nlohmann::json DebugController::state_locked() const {
  return {{"paused", paused_},
          {"pause_requested", pause_requested_},
          {"step", last_step_.load()},
          {"from", branch_},
          {"has_batch", has_batch_},
          {"stepping_left", stepping_left_},
          {"watched", {{"layer", layers_.empty() ? "" : layers_[0]}, {"features", watched_}}},
          {"layers", layers_},
          {"capture_dir", last_capture_dir_}};
}

nlohmann::json DebugController::state() const {
  std::lock_guard lock(mutex_);
  return state_locked();
}

bool DebugController::paused() const {
  std::lock_guard lock(mutex_);
  return paused_;
}

bool DebugController::wait_until_paused(double seconds) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, std::chrono::duration<double>(seconds), [&] { return paused_; });
}

void DebugController::update_engaged_locked() {
  engaged_.store(pause_requested_ || paused_ || stepping_left_ > 0 || !watched_.empty() || !watch_requests_.empty(),
                 std::memory_order_relaxed);
}

nlohmann::json DebugController::pause() {
  std::lock_guard lock(mutex_);
  if (!paused_) {
    pause_requested_ = true;
    stepping_left_ = 0;
    update_engaged_locked();
  }
  return state_locked();
}

nlohmann::json DebugController::resume() {
  {
    std::lock_guard lock(mutex_);
    paused_ = pause_requested_ = false;
    stepping_left_ = 0;
    update_engaged_locked();
  }
  changed_.notify_all();
  return state();
}

nlohmann::json DebugController::step(int64_t n) {
  if (n < 1) throw Error("step: N must be a positive number of steps, got " + std::to_string(n));
  {
    std::lock_guard lock(mutex_);
    if (!paused_) throw Error("step: the run is not paused; pause it first (acc ctl RUN_ID pause)");
    paused_ = false;
    stepping_left_ = n;
    update_engaged_locked();
  }
  changed_.notify_all();
  return state();
}

nlohmann::json DebugController::cancel() {
  // The same path as `acc cancel`: the run's watcher sees the file and raises the cancel
  // flag, which wakes a paused step and stops the trainer.
  write_file_atomic(run_dir_ / run_format::kCancelFile, utc_timestamp() + "\n");
  internal_cancel_.store(true);
  changed_.notify_all();
  return {{"cancelling", true}};
}

bool DebugController::cancel_requested() const {
  return cancel_ ? cancel_->load() : internal_cancel_.load();
}

nlohmann::json DebugController::watch(const std::vector<int64_t>& features) {
  std::lock_guard lock(mutex_);
  if (layers_.empty())
    throw Error("watch: no layer to watch yet: the run has not started training a model with activation points");
  for (const int64_t f : features)
    if (primary_features_ >= 0 && f >= primary_features_)
      throw Error("watch: feature " + std::to_string(f) + " does not exist; layer '" + layers_[0] + "' has features 0.." +
                  std::to_string(primary_features_ - 1));
  watch_requests_.push_back({true, features});
  for (const int64_t f : features)
    if (std::find(watched_.begin(), watched_.end(), f) == watched_.end()) watched_.push_back(f);
  std::sort(watched_.begin(), watched_.end());
  update_engaged_locked();
  if (events_) events_->emit("debug.watch", {{"layer", layers_.empty() ? "" : layers_[0]}, {"features", watched_}});
  return {{"layer", layers_.empty() ? "" : layers_[0]}, {"features", watched_}};
}

nlohmann::json DebugController::unwatch(const std::vector<int64_t>& features) {
  std::lock_guard lock(mutex_);
  watch_requests_.push_back({false, features});
  for (const int64_t f : features) watched_.erase(std::remove(watched_.begin(), watched_.end(), f), watched_.end());
  update_engaged_locked();
  if (events_) events_->emit("debug.watch", {{"layer", layers_.empty() ? "" : layers_[0]}, {"features", watched_}});
  return {{"layer", layers_.empty() ? "" : layers_[0]}, {"features", watched_}};
}

nlohmann::json DebugController::keys() const { return {{"step", step_data_.step()}, {"keys", step_data_.keys()}}; }

nlohmann::json DebugController::data(const std::string& key) const {
  return {{"step", step_data_.step()}, {"key", key}, {"value", step_data_.value_json(key)}};
}

nlohmann::json DebugController::write_trajectories() {
  std::lock_guard lock(mutex_);
  return write_trajectories_locked();
}

nlohmann::json DebugController::write_trajectories_locked() {
  const std::string path = "debug/trajectories.json";
  nlohmann::json value = trajectories_.to_json(trajectory_weights_, last_step_.load());
  value["layer"] = layers_.empty() ? "" : layers_[0];
  value["from"] = branch_;
  write_debug_json(run_dir_, events_, path, branch_, last_step_.load(), value);
  if (events_) {
    events_->emit("debug.trajectories", {{"path", path}, {"step", last_step_.load()}});
    events_->flush();
  }
  return {{"path", path}};
}

nlohmann::json DebugController::handle(const std::string& cmd, const nlohmann::json& args) {
  if (cmd == "state") return state();
  if (cmd == "pause") return pause();
  if (cmd == "resume") return resume();
  if (cmd == "step") {
    const nlohmann::json n = args.value("n", nlohmann::json(1));
    if (!n.is_number_integer()) throw Error("step: n must be an integer, got " + n.dump());
    return step(n.get<int64_t>());
  }
  if (cmd == "cancel") return cancel();
  if (cmd == "watch") return watch(feature_ids(args));
  if (cmd == "unwatch") return unwatch(feature_ids(args));
  if (cmd == "keys") return keys();
  if (cmd == "data") {
    if (!args.contains("key") || !args["key"].is_string()) throw Error("data: give a key (acc ctl RUN_ID keys lists them)");
    return data(args["key"].get<std::string>());
  }
  if (cmd == "trajectories") return write_trajectories();
  throw Error("unknown control command '" + cmd +
              "'; known: state, pause, resume, step, cancel, watch, unwatch, keys, data, trajectories");
}

void DebugController::emit_state(const std::string& state, int64_t step, const std::string& reason) {
  if (!events_) return;
  bool has_batch;
  {
    std::lock_guard lock(mutex_);
    has_batch = has_batch_;
  }
  events_->emit("debug.state",
                {{"state", state}, {"step", step}, {"from", branch_}, {"has_batch", has_batch}, {"reason", reason}});
  events_->flush();  // a paused viewer must see this now, not at the next background write
}

// ---- training thread ------------------------------------------------------------------

void DebugController::ensure_probes(TrainingState& state) {
  if (probed_model_ == state.model_ptr() && !probes_.empty()) return;
  probes_.clear();
  probed_model_ = state.model_ptr();
  std::vector<std::string> layers;
  {
    std::lock_guard lock(mutex_);
    layers = layers_;
  }
  for (const auto& layer : layers) probes_.push_back(std::make_unique<LayerProbe>(*probed_model_, layer));
}

void DebugController::on_train_begin(const TrainSpec&, TrainingState& state) {
  Model& model = state.model();
  std::vector<std::string> layers = options_.layers;
  for (const auto& layer : layers)
    if (!model.taps().has(layer))
      throw Error("--debug-layer '" + layer + "' is not an activation point of this model; valid layers: " +
                  model.taps().point_names());
  if (layers.empty()) {
    if (const GatingConfig* g = active_gating(state))
      for (const auto& l : g->layers) layers.push_back(l.layer);
    else if (!model.taps().points().empty())
      layers.push_back(model.taps().points().front());
  }
  int64_t features = -1;
  torch::Tensor weight_rows;
  // Held in a variable: find() points into the dict, and a temporary's would dangle.
  const auto params = model.named_parameters();
  if (!layers.empty())
    if (const torch::Tensor* w = params.find(layers[0] + ".weight"); w && w->dim() >= 2) {
      features = w->size(0);
      weight_rows = w->detach().reshape({w->size(0), -1}).clone();
    }
  const std::string branch = from_ ? *from_ : "";
  bool restart;
  {
    std::lock_guard lock(mutex_);
    restart = branch != branch_ || probed_model_ != state.model_ptr() || layers != layers_;
    branch_ = branch;
    layers_ = layers;
    primary_features_ = features;
    last_step_.store(state.step());
    if (restart && !watched_.empty() && weight_rows.defined()) {
      // A new branch or model: the watched features' records restart from its weights.
      trajectories_ = Trajectories(options_.trajectory_cap);
      std::vector<int64_t> valid;
      for (const int64_t f : watched_)
        if (f < features) valid.push_back(f);
      watched_ = valid;
      trajectories_.watch(watched_, weight_rows, state.step());
      trajectory_weights_ = weight_rows;
      update_engaged_locked();
    }
  }
  if (restart) probes_.clear();
}

void DebugController::apply_watch_requests(int64_t step) {
  // mutex_ held by the caller
  if (watch_requests_.empty()) return;
  const torch::Tensor weight_rows = primary_weight_rows();
  for (const auto& [add, ids] : watch_requests_) {
    if (!add) {
      trajectories_.unwatch(ids);
    } else if (weight_rows.defined()) {
      std::vector<int64_t> valid;
      for (const int64_t f : ids)
        if (f < weight_rows.size(0)) valid.push_back(f);
      trajectories_.watch(valid, weight_rows, step);
    }
  }
  watch_requests_.clear();
  watched_ = trajectories_.watched();
  update_engaged_locked();
}

torch::Tensor DebugController::primary_weight_rows() const {
  if (probes_.empty() || !probes_[0]->weight().defined()) return {};
  const torch::Tensor& w = probes_[0]->weight();
  return w.detach().reshape({w.size(0), -1}).clone();
}

void DebugController::on_step_begin(int64_t step, TrainingState& state) {
  capturing_ = engaged_.load(std::memory_order_relaxed) || (step == options_.pause_at && !pause_at_done_);
  if (!capturing_) {
    if (!probes_.empty()) probes_.clear();  // back to zero cost: no hooks on the model
    return;
  }
  ensure_probes(state);
  {
    std::lock_guard lock(mutex_);
    apply_watch_requests(step - 1);
    // A full capture (batch, force view, step data, files) only for a step that will pause
    // or is being stepped; a step that only feeds trajectories skips all that.
    full_capture_ = pause_requested_ || stepping_left_ > 0 || (step == options_.pause_at && !pause_at_done_);
  }
  if (full_capture_) step_data_.clear(step);  // a trajectory-only step keeps the last full step's data
  batch_ = CapturedBatch{};
  for (auto& p : probes_) p->begin_step();
}

void DebugController::on_batch(const Dataset& dataset, const Batch& batch, TrainingState&) {
  if (!capturing_ || !full_capture_ || batch_.images.defined()) return;
  batch_.dataset = dataset.name;
  batch_.images = batch.images.detach().clone();
  if (batch.labels.defined()) batch_.labels = batch.labels.detach().clone();
  for (auto& p : probes_) p->set_input(batch_.images);
}

void DebugController::on_backward_end(const StepReport&, TrainingState& state) {
  if (!capturing_) return;
  for (auto& p : probes_) p->end_backward(active_gating(state), /*with_force=*/full_capture_);
}

void DebugController::record_step_data(const StepReport& report, const std::vector<FeatureColumns>& columns) {
  nlohmann::json losses = nlohmann::json::object();
  for (const auto& [task, value] : report.task_losses) losses[task] = value;
  step_data_.put("losses", {{"tasks", losses}, {"total", report.loss}});
  if (batch_.images.defined()) {
    step_data_.put("batch.images", batch_.images);
    if (batch_.labels.defined()) step_data_.put("batch.labels", batch_.labels);
  }
  for (size_t i = 0; i < probes_.size(); ++i) {
    const LayerProbe& p = *probes_[i];
    if (!p.recorded()) continue;
    const std::string& l = p.layer();
    step_data_.put(l + ".activation", p.activation());
    if (p.plain_grad().defined()) step_data_.put(l + ".grad", p.plain_grad());
    if (p.gate().defined()) step_data_.put(l + ".gate", p.gate());
    if (p.weight_grad().defined()) step_data_.put(l + ".weight_grad", p.weight_grad());
    if (p.applied().defined()) step_data_.put(l + ".applied", p.applied());
    nlohmann::json table = feature_table_json(columns[i]);
    step_data_.put(l + ".features", table);
  }
}

void DebugController::on_step_end(const StepReport& report, TrainingState& state) {
  last_step_.store(report.step, std::memory_order_relaxed);
  if (!capturing_) return;
  capturing_ = false;
  for (auto& p : probes_) p->end_step(state.lr());
  std::vector<FeatureColumns> columns;
  for (auto& p : probes_) columns.push_back(p->recorded() ? p->columns() : FeatureColumns{});
  const bool write_files = full_capture_;
  if (write_files) record_step_data(report, columns);

  bool watching;
  {
    std::lock_guard lock(mutex_);
    watching = !trajectories_.empty();
    if (watching && !probes_.empty() && probes_[0]->recorded()) {
      trajectory_weights_ = primary_weight_rows();
      trajectories_.record(report.step, trajectory_weights_, columns[0].win_rate, columns[0].grad_magnitude,
                           columns[0].gate);
    }
  }
  if (write_files) {
    std::vector<const LayerProbe*> probes;
    for (auto& p : probes_) probes.push_back(p.get());
    CaptureContext ctx{run_dir_, events_, branch_, report.step, state.lr(), report.task_losses, report.loss};
    const std::string dir = write_capture(ctx, batch_, probes);
    std::lock_guard lock(mutex_);
    has_batch_ = batch_.images.defined();
    last_capture_dir_ = dir;
  }

  std::unique_lock lock(mutex_);
  bool pause_now = false;
  std::string reason;
  if (stepping_left_ > 0) {
    pause_now = --stepping_left_ == 0;
    reason = "step";
  } else if (pause_requested_ && full_capture_) {  // asked mid-step: pause after the next, captured one
    pause_now = true;
    reason = "pause";
  } else if (report.step == options_.pause_at && !pause_at_done_) {
    pause_now = true;
    reason = "pause_at";
  }
  if (report.step == options_.pause_at) pause_at_done_ = true;
  if (!pause_now) {
    if (watching && now_seconds() - last_trajectory_write_ > kTrajectoryWriteSeconds) {
      write_trajectories_locked();
      last_trajectory_write_ = now_seconds();
    }
    return;
  }
  paused_ = true;
  pause_requested_ = false;
  update_engaged_locked();
  if (watching) write_trajectories_locked();
  lock.unlock();
  emit_state("paused", report.step, reason);
  changed_.notify_all();

  lock.lock();
  while (paused_ && !cancel_requested()) changed_.wait_for(lock, std::chrono::milliseconds(kControlPollMs));
  const bool cancelled = paused_;  // woken by cancel, not by resume/step
  paused_ = false;
  update_engaged_locked();
  const std::string next = cancelled ? "cancelling" : stepping_left_ > 0 ? "stepping" : "running";
  lock.unlock();
  emit_state(next, report.step, cancelled ? "cancel" : next == "stepping" ? "step" : "resume");
}

void DebugController::on_train_end(const TrainOutcome&, TrainingState&) {
  capturing_ = false;
  std::lock_guard lock(mutex_);
  if (!trajectories_.empty()) write_trajectories_locked();
}

}  // namespace acc
