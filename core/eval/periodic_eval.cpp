// Evaluation during training; see periodic_eval.h.
#include "eval/periodic_eval.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>

#include "error.h"

namespace acc {

PeriodicEvaluator::PeriodicEvaluator(EventLog& log, const TrainingState& state, int64_t every,
                                     std::vector<std::string> task_names, int64_t max_images, std::string from)
    : log_(log), every_(every), max_images_(max_images), from_(std::move(from)) {
  for (const auto& name : task_names) {
    const bool attached = std::any_of(state.tasks().begin(), state.tasks().end(),
                                      [&](const AttachedTask& t) { return t.task->name() == name; });
    if (!attached) throw Error("field 'eval_tasks': no attached task named '" + name + "'");
  }
  if (task_names.empty())
    for (const auto& t : state.tasks())
      if (!t.task->trains()) task_names.push_back(t.task->name());
  if (every_ > 0) task_names_ = std::move(task_names);
}

const Dataset& PeriodicEvaluator::subset(const std::shared_ptr<const Dataset>& dataset) {
  if (max_images_ <= 0 || dataset->test.size() <= max_images_) return *dataset;
  auto it = subsets_.find(dataset.get());
  if (it != subsets_.end()) return it->second;
  Dataset sub = *dataset;  // tensors are shared, not copied
  auto head = [&](const torch::Tensor& t) { return t.defined() ? t.narrow(0, 0, max_images_) : t; };
  sub.test = {head(dataset->test.images), head(dataset->test.labels), head(dataset->test.factors)};
  return subsets_.emplace(dataset.get(), std::move(sub)).first->second;
}

void PeriodicEvaluator::evaluate(TrainingState& state) {
  if (state.step() == last_step_) return;
  last_step_ = state.step();
  auto generator = at::detail::getDefaultCPUGenerator();
  const torch::Tensor rng = generator.get_state();
  nlohmann::json metrics = nlohmann::json::object();
  for (auto& t : state.tasks()) {
    if (std::find(task_names_.begin(), task_names_.end(), t.task->name()) == task_names_.end()) continue;
    metrics[t.task->name()] = t.task->evaluate(state.model(), subset(t.dataset), state.device());
  }
  generator.set_state(rng);
  log_.emit("train.eval", {{"step", state.step()}, {"from", from_}, {"metrics", metrics}});
}

void PeriodicEvaluator::on_train_begin(const TrainSpec&, TrainingState& state) {
  if (active()) evaluate(state);
}

void PeriodicEvaluator::on_step_end(const StepReport& r, TrainingState& state) {
  if (active() && (r.step % every_ == 0 || r.phase_step == r.phase_steps)) evaluate(state);
}

}  // namespace acc
