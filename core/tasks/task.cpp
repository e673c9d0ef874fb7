// The parts of Task every task type shares: its config's JSON form (stored in checkpoints
// and config.json), the compatibility checks that run before training so a mismatch fails
// in seconds with a message instead of minutes later with a shape error, and the
// evaluation loop over a split.
#include "tasks/task.h"

#include "error.h"

namespace acc {
std::string model_type(const Model& model) { return model.config().value("type", std::string("?")); }

namespace {

std::string join_outputs(const std::set<ModelOutput>& outputs) {
  std::string out;
  for (ModelOutput o : outputs) out += (out.empty() ? "" : ", ") + model_output_name(o);
  return out.empty() ? "nothing" : out;
}

// Shape of one image; train and test share it, but either split may be empty.
ImageShape dataset_image_shape(const Dataset& dataset) {
  const torch::Tensor& images =
      dataset.train.images.defined() ? dataset.train.images : dataset.test.images;
  if (!images.defined() || images.dim() != 4)
    throw Error("dataset '" + dataset.name + "' has no [N, C, H, W] images");
  return {images.size(1), images.size(2), images.size(3)};
}


}  // namespace

nlohmann::json TaskConfig::to_json() const {
  nlohmann::json j = {{"name", name},     {"type", type},       {"dataset", dataset},
                      {"weight", weight}, {"options", options}, {"latent_slice", nullptr}};
  if (latent_slice) j["latent_slice"] = {latent_slice->start, latent_slice->end};
  return j;
}

TaskConfig TaskConfig::from_json(const nlohmann::json& j) {
  const auto bad = [&](const std::string& field, const std::string& expected) {
    return Error("task config: field '" + field + "' must be " + expected + ", got " +
                 (j.is_object() && j.contains(field) ? j[field].dump() : "nothing") + " in " +
                 j.dump());
  };
  if (!j.is_object()) throw Error("task config: expected a map, got " + j.dump());
  TaskConfig c;
  if (!j.contains("name") || !j["name"].is_string()) throw bad("name", "a string");
  if (!j.contains("type") || !j["type"].is_string()) throw bad("type", "a string");
  c.name = j["name"];
  c.type = j["type"];
  if (j.contains("dataset")) {
    if (!j["dataset"].is_string()) throw bad("dataset", "a string");
    c.dataset = j["dataset"];
  }
  if (j.contains("weight")) {
    if (!j["weight"].is_number()) throw bad("weight", "a number");
    c.weight = j["weight"];
  }
  if (j.contains("latent_slice") && !j["latent_slice"].is_null()) {
    const auto& s = j["latent_slice"];
    if (!s.is_array() || s.size() != 2 || !s[0].is_number_integer() || !s[1].is_number_integer() ||
        s[0] < 0 || s[1] <= s[0])
      throw bad("latent_slice", "[start, end) with 0 <= start < end");
    c.latent_slice = LatentSlice{s[0].get<int64_t>(), s[1].get<int64_t>()};
  }
  if (j.contains("options")) {
    if (!j["options"].is_object()) throw bad("options", "a map");
    c.options = j["options"];
  }
  return c;
}

std::string Task::describe() const { return "task '" + config_.name + "' (" + config_.type + ")"; }

void Task::check_compatible(const Model& model, const Dataset& dataset) const {
  const std::set<ModelOutput> produced = model.outputs();
  std::set<ModelOutput> missing;
  for (ModelOutput o : required_outputs())
    if (!produced.count(o)) missing.insert(o);
  if (!missing.empty())
    throw Error(describe() + " needs model output(s) " + join_outputs(missing) + ", but model '" +
                model_type(model) + "' produces only " + join_outputs(produced) +
                "; attach it to a model that produces them");

  if (config_.latent_slice) {
    const LatentSlice& s = *config_.latent_slice;
    const int64_t d = model.latent_dim();
    if (s.start < 0 || s.end <= s.start || s.end > d)
      throw Error("task '" + config_.name + "': latent_slice [" + std::to_string(s.start) + ", " +
                  std::to_string(s.end) + ") is outside the model's latent (size " +
                  std::to_string(d) + "); use 0 <= start < end <= " + std::to_string(d));
  }

  const ImageShape data_shape = dataset_image_shape(dataset);
  const ImageShape model_shape = model.input_shape();
  if (!(data_shape == model_shape))
    throw Error(describe() + ": dataset '" + dataset.name + "' has " + data_shape.str() +
                " images but model '" + model_type(model) + "' takes " + model_shape.str() +
                "; build the model with image_size: " + std::to_string(data_shape.height) +
                " or load the dataset with image_size: " + std::to_string(model_shape.height));
}

torch::Tensor Task::sliced(const torch::Tensor& latent) const {
  if (!config_.latent_slice) return latent;
  return latent.slice(/*dim=*/1, config_.latent_slice->start, config_.latent_slice->end);
}

const torch::Tensor& Task::output(const ModelOutputs& outputs, ModelOutput which) const {
  auto it = outputs.find(which);
  TORCH_CHECK(it != outputs.end(), describe(), ": the model's forward pass returned no '",
              model_output_name(which), "' output (check_compatible should have caught this)");
  return it->second;
}

const Split& Task::test_split(const Dataset& dataset) const {
  if (dataset.test.size() == 0)
    throw Error(describe() + ": dataset '" + dataset.name +
                "' has an empty test split, so there is nothing to evaluate on; load it with "
                "test images");
  return dataset.test;
}

void for_each_eval_batch(Model& model, const Split& split, const torch::Device& device,
                         const std::function<void(const ModelOutputs&, const Batch&)>& fn,
                         int64_t batch_size) {
  TORCH_CHECK(batch_size > 0, "for_each_eval_batch: batch_size must be positive");
  TrainingModeGuard mode_guard(model);
  torch::NoGradGuard no_grad;
  const int64_t n = split.size();
  for (int64_t start = 0; start < n; start += batch_size) {
    const torch::Tensor indices = torch::arange(start, std::min(n, start + batch_size),
                                                torch::TensorOptions().dtype(torch::kLong));
    const Batch batch = gather_batch(split, indices, device);
    fn(model.forward(batch.images), batch);
  }
}

}  // namespace acc
