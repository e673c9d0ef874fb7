// Layer-measuring evaluation-only tasks; see layer_metrics.h.
#include "tasks/layer_metrics.h"

#include "error.h"

namespace acc {
namespace {

std::string weight_layers(const Model& model) {
  std::string out;
  const std::string suffix = ".weight";
  for (const auto& p : model.named_parameters()) {
    const std::string& name = p.key();
    if (p.value().dim() < 2 || name.size() <= suffix.size() ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
      continue;
    out += (out.empty() ? "" : ", ") + name.substr(0, name.size() - suffix.size());
  }
  return out;
}

}  // namespace

torch::Tensor LayerMetricTask::loss(const ModelOutputs&, const Batch&) {
  throw Error(describe() + " is evaluation-only and has no loss");
}

void LayerMetricTask::check_compatible(const Model& model, const Dataset& dataset) const {
  Task::check_compatible(model, dataset);
  if (config().latent_slice)
    throw Error(describe() + ": latent_slice does not apply (it measures layer '" + layer() +
                "', not the latent); remove it");
  if (reads_weight())
    layer_weight(model);
  else if (!model.taps().has(layer()))
    throw Error(describe() + ": field 'layer': '" + layer() + "' is not an activation point of this model; valid layers: " +
                model.taps().point_names());
}

torch::Tensor LayerMetricTask::layer_weight(const Model& model) const {
  const auto parameters = model.named_parameters();
  const torch::Tensor* weight = parameters.find(layer() + ".weight");
  if (!weight || weight->dim() < 2)
    throw Error(describe() + ": field 'layer': '" + layer() + "' has no weight matrix in this model; layers with weights: " +
                weight_layers(model));
  return weight->detach();
}

Metrics WeightDiversityTask::evaluate(Model& model, const Dataset&, const torch::Device&) {
  const WeightCosine c = weight_cosine(layer_weight(model));
  return {{"cosine_mean", c.mean}, {"cosine_abs_mean", c.abs_mean}, {"cosine_max", c.max},
          {"rows", static_cast<double>(c.rows)}};
}

Metrics EffectiveRankTask::evaluate(Model& model, const Dataset&, const torch::Device&) {
  const torch::Tensor w = weight_rows(layer_weight(model));
  const double rank = effective_rank(w);
  return {{"effective_rank", rank}, {"effective_rank_ratio", rank / static_cast<double>(std::min(w.size(0), w.size(1)))}};
}

Metrics ActivationSparsityTask::evaluate(Model& model, const Dataset& dataset, const torch::Device& device) {
  ActivationStats stats;
  {
    ScopedActivationHook hook(model.taps(), layer(), [&](const torch::Tensor& a) { stats.add(a); });
    for_each_eval_batch(model, test_split(dataset), device, [](const ModelOutputs&, const Batch&) {});
  }
  details_ = stats.per_channel();
  details_["layer"] = layer();
  return stats.metrics();
}

}  // namespace acc
