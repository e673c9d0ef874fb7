// The training loop; see trainer.h for the contract.
#include "train/trainer.h"

#include <chrono>
#include <cmath>
#include <algorithm>

#include "error.h"

namespace acc {

namespace {

// Tasks grouped by dataset, in first-attach order, so each dataset is sampled and
// forwarded once per step however many tasks read it.
struct DatasetGroup {
  const Dataset* dataset;
  std::vector<AttachedTask*> tasks;
};

std::vector<DatasetGroup> group_by_dataset(std::vector<AttachedTask>& tasks) {
  std::vector<DatasetGroup> groups;
  for (auto& t : tasks) {
    if (!t.task->trains()) continue;
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&](const DatasetGroup& g) { return g.dataset == t.dataset.get(); });
    if (it == groups.end()) groups.push_back({t.dataset.get(), {&t}});
    else it->tasks.push_back(&t);
  }
  return groups;
}

}  // namespace

TrainOutcome train(TrainingState& state, const TrainSpec& spec,
                   const std::vector<TrainObserver*>& observers, const std::atomic<bool>* cancel) {
  if (spec.steps <= 0) throw Error("train: steps must be positive, got " + std::to_string(spec.steps));
  if (spec.batch_size <= 0) throw Error("train: batch_size must be positive, got " + std::to_string(spec.batch_size));
  Model& model = state.model();
  auto groups = group_by_dataset(state.tasks());
  if (groups.empty())
    throw Error("train: no training task is attached; add attach_task ops before train");

  state.set_lr(spec.lr);
  model.train();
  for (auto* o : observers) o->on_train_begin(spec, state);

  const auto start = std::chrono::steady_clock::now();
  TrainOutcome outcome;
  StepReport report;
  report.phase_steps = spec.steps;
  auto& optimizer = state.optimizer();

  for (int64_t i = 1; i <= spec.steps; ++i) {
    if (cancel && cancel->load(std::memory_order_relaxed)) {
      outcome.status = TrainStatus::kCancelled;
      break;
    }
    for (auto* o : observers) o->on_step_begin(state.step() + 1, state);
    optimizer.zero_grad();
    for (auto& t : state.tasks())
      if (t.optimizer) t.optimizer->zero_grad();

    torch::Tensor total;
    report.task_losses.clear();
    for (auto& group : groups) {
      const Split& split = group.dataset->train;
      const auto indices = torch::randint(split.size(), {spec.batch_size}, torch::kLong);
      const Batch batch = gather_batch(split, indices, state.device());
      for (auto* o : observers) o->on_batch(*group.dataset, batch, state);
      const ModelOutputs outputs = model.forward(batch.images);
      for (AttachedTask* t : group.tasks) {
        const torch::Tensor loss = t->task->loss(outputs, batch);
        const double value = loss.item<double>();
        if (!std::isfinite(value))
          throw Error("task '" + t->task->name() + "': loss is " + (std::isnan(value) ? "NaN" : "infinite") +
                          " at step " + std::to_string(state.step() + 1) +
                          "; lower the learning rate or the task weight, or check the dataset",
                      ExitCode::kFailure);
        report.task_losses.emplace_back(t->task->name(), value);
        const torch::Tensor weighted = loss * t->task->config().weight;
        total = total.defined() ? total + weighted : weighted;
      }
    }
    total.backward();
    if (!observers.empty()) {
      report.step = state.step() + 1;
      report.phase_step = i;
      report.loss = total.item<double>();
      for (auto* o : observers) o->on_backward_end(report, state);
    }
    optimizer.step();
    for (auto& t : state.tasks())
      if (t.optimizer) t.optimizer->step();

    state.set_step(state.step() + 1);
    outcome.steps_done = i;
    if (!observers.empty())
      for (auto* o : observers) o->on_step_end(report, state);
  }
  outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (auto* o : observers) o->on_train_end(outcome, state);
  return outcome;
}

}  // namespace acc
