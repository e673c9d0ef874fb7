// Restoring the traversal_effects judge; see judge.h.
#include "recipe/judge.h"

#include <algorithm>

#include "error.h"
#include "recipe/node_state.h"
#include "tasks/task.h"

namespace acc {

std::string judge_mismatch(const Model& judge, const Model& judged) {
  if (!judge.outputs().count(ModelOutput::LOGITS))
    return "model '" + model_type(judge) + "' has no LOGITS output to classify with; train a cnn_classifier (or "
           "supervised_ae) as the judge";
  if (!(judge.input_shape() == judged.input_shape()))
    return "it takes " + judge.input_shape().str() + " images but the evaluated model decodes " +
           judged.input_shape().str() + "; load its dataset with the same image_size";
  return "";
}

std::shared_ptr<const Judge> load_judge(const CheckpointStore& store, const std::string& tag, const DatasetMap& datasets,
                                        const torch::Device& device, const Model& judged, const std::string& where) {
  const auto node = store.find_tag(tag);
  if (!node) throw Error(where + ": field 'judge': no node tagged '" + tag + "' in this run; save the judge first");
  TrainingState state(device);
  restore_node_state(state, *node, store.state_path(node->id), datasets, where);
  const std::string why = judge_mismatch(state.model(), judged);
  if (!why.empty()) throw Error(where + ": field 'judge': node '" + tag + "' cannot judge: " + why);
  auto judge = std::make_shared<Judge>();
  judge->model = state.model_ptr();
  judge->tag = tag;
  judge->node_id = node->id;
  judge->model_type = model_type(state.model());
  return judge;
}

void restore_requested_judge(ArtifactSettings& settings, const CheckpointStore& store, const DatasetMap& datasets,
                             const torch::Device& device, const Model& judged, const std::string& where) {
  const bool wanted = std::count(settings.names.begin(), settings.names.end(), "traversal_effects") > 0;
  if (wanted && !settings.judge.empty())
    settings.judge_model = load_judge(store, settings.judge, datasets, device, judged, where);
}

}  // namespace acc
