// Epoch bookkeeping of train ops; see epochs.h.
#include "recipe/epochs.h"

#include "eval/artifact_sink.h"
#include "eval/mixture_artifacts.h"
#include "inspect/network_inspect.h"
#include "recipe/context.h"

namespace acc {

int64_t steps_per_epoch(int64_t train_images, int64_t batch_size) {
  if (train_images <= 0 || batch_size <= 0) return 1;
  return (train_images + batch_size - 1) / batch_size;
}

std::string epoch_tag(const std::string& branch, int64_t epoch) {
  return (branch.empty() ? "" : branch + "_") + "epoch_" + std::to_string(epoch);
}

EpochObserver::EpochObserver(RecipeContext& ctx, EpochSettings settings)
    : ctx_(ctx), settings_(settings), branch_(ctx.current_tag) {
  if (settings_.steps_per_epoch < 1) settings_.steps_per_epoch = 1;
}

void EpochObserver::on_step_begin(int64_t step, TrainingState& state) {
  const int64_t epoch = (step - 1) / settings_.steps_per_epoch;
  for (auto& t : state.tasks()) t.task->set_epoch(epoch);
}

void EpochObserver::on_step_end(const StepReport& report, TrainingState&) {
  if (settings_.checkpoint_every <= 0 || report.step % settings_.steps_per_epoch != 0) return;
  const int64_t epoch = report.step / settings_.steps_per_epoch;
  if (epoch % settings_.checkpoint_every == 0) save_epoch(epoch, report.phase_step == report.phase_steps);
}

void EpochObserver::save_epoch(int64_t epoch, bool op_complete) {
  const std::string tag = epoch_tag(branch_, epoch);
  // A resumed run re-trains an interrupted train op from its start (runner.cpp): the epoch
  // nodes it made before the interruption are on disk already, bitwise equal at one thread,
  // so they are adopted as the current node instead of saved twice.
  if (const auto existing = ctx_.store->find_tag(tag); existing && existing->step == ctx_.state.step()) {
    ctx_.current_node = existing->id;
    ctx_.current_tag = existing->tag;
  } else {
    // `--resume` continues after the node with the largest op_index (runner.cpp), so only a
    // node saved at the op's last step may claim the train op; one saved mid-op gets -1 (as a
    // cancelled state does), and a resume re-runs the whole op, adopting these nodes above.
    const int64_t op_index = ctx_.op_index;
    if (!op_complete) ctx_.op_index = -1;
    ctx_.save_node(tag);
    ctx_.op_index = op_index;
  }
  if (settings_.artifacts) write_artifacts(epoch, ctx_.current_node, ctx_.state.step());
}

void EpochObserver::write_artifacts(int64_t epoch, const std::string& node_id, int64_t step) {
  const std::string dataset_name = default_artifact_dataset(ctx_.state);
  const auto it = ctx_.datasets.find(dataset_name);
  if (it == ctx_.datasets.end()) return;  // no reconstruction task: nothing to draw on
  const Dataset& dataset = *it->second;
  ArtifactSink sink(ctx_.run->path(), branch_.empty() ? "_" : branch_, node_id, step, &ctx_.run->events());
  sink.use_epoch(epoch);
  Model& model = ctx_.state.model();
  const torch::Device device = ctx_.state.device();
  int64_t index = 0;
  const auto samples = ctx_.visualization_samples.find(dataset_name);
  if (samples != ctx_.visualization_samples.end() && !samples->empty()) index = samples->front().get<int64_t>();
  write_network_forward(model, dataset, index, device, sink);
  if (has_mixture(model)) {
    write_mixture_health(model, dataset, kMixtureHealthImages, device, sink);
    write_prior_component_samples(model, dataset, kSamplesPerGrid, std::nullopt, device, sink);
    write_posterior_local_samples(model, dataset, index, kSamplesPerGrid, std::nullopt, device, sink);
  }
}

}  // namespace acc
