// Training events; see train_events.h.
#include "run/train_events.h"

#include "tasks/task.h"

namespace acc {

int64_t default_log_every(int64_t steps) { return steps <= 500 ? 1 : (steps + 499) / 500; }

void TrainEventWriter::on_train_begin(const TrainSpec&, TrainingState&) {
  start_ = std::chrono::steady_clock::now();
  sums_.clear();
  loss_sum_ = 0;
  count_ = 0;
}

void TrainEventWriter::on_step_end(const StepReport& r, TrainingState& state) {
  for (const auto& [name, value] : r.task_losses) sums_[name] += value;
  loss_sum_ += r.loss;
  ++count_;
  if (r.phase_step % every_ != 0 && r.phase_step != r.phase_steps) return;

  nlohmann::json losses = nlohmann::json::object();
  for (const auto& [name, sum] : sums_) losses[name] = sum / static_cast<double>(count_);
  nlohmann::json metrics = {{"step", r.step}, {"phase_step", r.phase_step},
                             {"loss", loss_sum_ / static_cast<double>(count_)}, {"losses", losses}, {"from", from_}};
  // Task diagnostics (gmvae_kl's schedule weights and q(c|x) usage) are the logged step's
  // values, not interval means: a count vector has no meaningful mean.
  for (const auto& t : state.tasks()) {
    const nlohmann::json extra = t.task->step_diagnostics();
    if (extra.is_object())
      for (const auto& [key, value] : extra.items()) metrics[key] = value;
  }
  log_.emit("train.metrics", metrics);
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(r.phase_step) / elapsed : 0.0;
  log_.emit("train.progress", {{"step", r.step}, {"phase_step", r.phase_step}, {"phase_steps", r.phase_steps},
                               {"steps_per_second", rate},
                               {"eta_seconds", rate > 0 ? static_cast<double>(r.phase_steps - r.phase_step) / rate : 0.0},
                               {"from", from_}});
  sums_.clear();
  loss_sum_ = 0;
  count_ = 0;
}

}  // namespace acc
