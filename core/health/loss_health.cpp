// Loss-health classification; see loss_health.h for the classes and thresholds.
#include "health/loss_health.h"

#include <cmath>
#include <cstdio>
#include <mutex>

#include "error.h"

namespace acc {

namespace {

const std::vector<std::pair<Health, std::string>>& health_names() {
  static const std::vector<std::pair<Health, std::string>> names = {
      {Health::kHealthy, "healthy"}, {Health::kPlateau, "plateau"},
      {Health::kTrivial, "trivial"}, {Health::kDiverging, "diverging"}};
  return names;
}

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

// The trivial loss of `task` on `dataset`, computed once per (dataset, task type and
// options) for the life of the process: forks and later train ops reuse it. Keyed by the
// dataset's name and provenance, not its address, which a later dataset could reuse.
std::optional<double> cached_trivial_loss(const AttachedTask& t) {
  static std::mutex mutex;
  static std::map<std::string, std::optional<double>> cache;
  const std::lock_guard<std::mutex> lock(mutex);
  const std::string key = t.dataset->name + '\n' + t.dataset->info.dump() + '\n' + t.task->config().type + '\n' +
                          t.task->config().options.dump();
  auto it = cache.find(key);
  if (it == cache.end()) it = cache.emplace(key, t.task->trivial_loss(t.dataset->train)).first;
  return it->second;
}

}  // namespace

std::string health_name(Health health) {
  for (const auto& [h, name] : health_names())
    if (h == health) return name;
  return "unknown";
}

std::optional<Health> health_from_name(const std::string& name) {
  for (const auto& [h, n] : health_names())
    if (n == name) return h;
  return std::nullopt;
}

LossHealthTracker::LossHealthTracker(HealthThresholds thresholds, std::optional<double> trivial_loss)
    : t_(thresholds), trivial_loss_(trivial_loss) {
  if (t_.window < 1) t_.window = 1;
  if (t_.plateau_windows < 1) t_.plateau_windows = 1;
}

std::optional<HealthVerdict> LossHealthTracker::add_loss(double loss) {
  if (!std::isfinite(loss)) return HealthVerdict{Health::kDiverging, "loss is " + std::string(std::isnan(loss) ? "NaN" : "infinite")};
  sum_ += loss;
  if (++count_ < t_.window) return std::nullopt;
  const double mean = sum_ / static_cast<double>(count_);
  sum_ = 0;
  count_ = 0;
  window_means_.push_back(mean);
  lowest_mean_ = window_means_.size() == 1 ? mean : std::min(lowest_mean_, mean);

  if (!std::isfinite(mean)) return HealthVerdict{Health::kDiverging, "window mean loss is not finite"};
  // A loss that reached (near) zero cannot grow "by a factor"; the floor keeps 0 -> 1e-9 calm.
  const double floor = std::max(std::abs(lowest_mean_), 1e-6);
  if (mean >= t_.diverge_factor * floor)
    return HealthVerdict{Health::kDiverging, "window mean loss " + fmt(mean) + " is " + fmt(mean / floor) +
                                                 "x its lowest (" + fmt(lowest_mean_) + ")"};
  if (trivial_loss_ && mean >= t_.trivial_ratio * *trivial_loss_)
    return HealthVerdict{Health::kTrivial, "window mean loss " + fmt(mean) + " >= " + fmt(t_.trivial_ratio) +
                                               " x the loss of an all-black / mean-image output (" +
                                               fmt(*trivial_loss_) + ")"};
  const size_t back = static_cast<size_t>(t_.plateau_windows);
  if (window_means_.size() > back) {
    const double earlier = window_means_[window_means_.size() - 1 - back];
    const double improvement = (earlier - mean) / std::max(std::abs(earlier), 1e-12);
    if (improvement < t_.plateau_improvement)
      return HealthVerdict{Health::kPlateau, "window mean loss " + fmt(mean) + " is " + fmt(100 * improvement) +
                                                 "% better than " + std::to_string(back * t_.window) +
                                                 " steps earlier (< " + fmt(100 * t_.plateau_improvement) + "%)"};
  }
  return HealthVerdict{Health::kHealthy, "window mean loss " + fmt(mean)};
}

std::optional<HealthVerdict> check_parameter_norm(double norm, double initial, const HealthThresholds& t) {
  if (!std::isfinite(norm)) return HealthVerdict{Health::kDiverging, "parameter norm is not finite"};
  if (initial > 0 && norm >= t.diverge_factor * initial)
    return HealthVerdict{Health::kDiverging, "parameter norm " + fmt(norm) + " is " + fmt(norm / initial) +
                                                 "x its value when training began (" + fmt(initial) + ")"};
  return std::nullopt;
}

double parameter_norm(TrainingState& state) {
  torch::NoGradGuard no_grad;
  double sq = 0;
  for (const auto& p : state.model().parameters()) sq += p.detach().to(torch::kDouble).square().sum().item<double>();
  return std::sqrt(sq);
}

LossHealthMonitor::LossHealthMonitor(EventLog& log, HealthThresholds thresholds, std::set<Health> stop_on,
                                     std::string from, std::function<void(const std::string&)> warn)
    : log_(log), t_(thresholds), stop_on_(std::move(stop_on)), from_(std::move(from)), warn_(std::move(warn)) {}

void LossHealthMonitor::on_train_begin(const TrainSpec&, TrainingState& state) {
  trackers_.clear();
  window_verdict_.clear();
  current_.clear();
  for (const auto& t : state.tasks())
    if (t.task->trains()) trackers_.emplace(t.task->name(), LossHealthTracker(t_, cached_trivial_loss(t)));
  initial_norm_ = parameter_norm(state);
  norm_diverged_ = false;
}

void LossHealthMonitor::on_step_end(const StepReport& report, TrainingState& state) {
  for (const auto& [task, loss] : report.task_losses) {
    auto tracker = trackers_.find(task);
    if (tracker == trackers_.end()) continue;
    if (auto verdict = tracker->second.add_loss(loss)) window_verdict_[task] = *verdict;
  }
  if (!norm_diverged_ && (report.phase_step % t_.norm_every == 0 || report.phase_step == 1)) {
    if (auto verdict = check_parameter_norm(parameter_norm(state), initial_norm_, t_)) {
      norm_diverged_ = true;  // a model does not recover from this within the train op
      norm_verdict_ = *verdict;
    }
  }
  for (const auto& [task, tracker] : trackers_) {
    const HealthVerdict* verdict = nullptr;
    if (norm_diverged_) verdict = &norm_verdict_;
    else if (auto it = window_verdict_.find(task); it != window_verdict_.end()) verdict = &it->second;
    if (!verdict) continue;
    auto cur = current_.find(task);
    if (cur != current_.end() && cur->second == verdict->health) continue;
    change(task, *verdict, report.step);
  }
}

void LossHealthMonitor::change(const std::string& task, const HealthVerdict& verdict, int64_t step) {
  auto cur = current_.find(task);
  const nlohmann::json previous = cur == current_.end() ? nlohmann::json() : nlohmann::json(health_name(cur->second));
  current_[task] = verdict.health;
  log_.emit("train.health", {{"step", step},
                             {"task", task},
                             {"health", health_name(verdict.health)},
                             {"previous", previous},
                             {"reason", verdict.reason},
                             {"from", from_}});
  const std::string line = "task '" + task + "' is " + health_name(verdict.health) + " at step " + std::to_string(step) +
                           ": " + verdict.reason;
  if (verdict.health != Health::kHealthy && warn_) warn_("warning: " + line);
  if (stop_on_.count(verdict.health))
    throw Error("train: " + line + " (stop_on: " + health_name(verdict.health) +
                    "); lower the learning rate or check the loss and data",
                ExitCode::kFailure);
}

}  // namespace acc
