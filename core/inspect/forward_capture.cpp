// One example's layers; see forward_capture.h.
#include "inspect/forward_capture.h"

#include <map>

#include "models/activation_taps.h"

namespace acc {

namespace {

// The vector outputs, in the order layers.json lists them. qc_probs is softmax of the
// logits, the form a reader compares with mixture weights.
struct VectorOutput {
  const char* id;
  ModelOutput output;
  bool softmax;
};
const std::vector<VectorOutput>& vector_outputs() {
  static const std::vector<VectorOutput> table = {{"z", ModelOutput::LATENT, false},
                                                  {"mu", ModelOutput::MU, false},
                                                  {"logvar", ModelOutput::LOGVAR, false},
                                                  {"qc_probs", ModelOutput::QC_LOGITS, true},
                                                  {"logits", ModelOutput::LOGITS, false}};
  return table;
}

// [B, ...] -> [B, C, H, W] maps: 4-D stays, anything else becomes one channel of 1 x D.
torch::Tensor as_maps(const torch::Tensor& t) {
  const auto x = t.detach().to(torch::kCPU, torch::kFloat);
  if (x.dim() == 4) return x.contiguous();
  return x.reshape({x.size(0), 1, 1, -1}).contiguous();
}

struct Tapped {
  torch::Tensor maps;  // [B, C, H, W]
  bool spatial = false;
};

// Runs forward with a hook on each point in `points`; returns the outputs and the tapped
// activations by point.
ModelOutputs run_with_taps(Model& model, const torch::Tensor& images, const std::vector<std::string>& points,
                           std::map<std::string, Tapped>& tapped) {
  std::vector<std::unique_ptr<ScopedActivationHook>> hooks;
  for (const auto& p : points)
    hooks.push_back(std::make_unique<ScopedActivationHook>(
        model.taps(), p, [&tapped, p](const torch::Tensor& a) { tapped[p] = {as_maps(a), a.dim() == 4}; }));
  TrainingModeGuard mode(model);
  torch::NoGradGuard no_grad;
  return model.forward(images);
}

const VectorOutput* vector_output(const std::string& id) {
  for (const auto& v : vector_outputs())
    if (id == v.id) return &v;
  return nullptr;
}

torch::Tensor output_maps(const ModelOutputs& outputs, const VectorOutput& v) {
  const torch::Tensor& t = outputs.at(v.output);
  return as_maps(v.softmax ? torch::softmax(t, /*dim=*/1) : t);
}

}  // namespace

std::vector<int64_t> CapturedLayer::shape() const {
  if (!spatial) return {maps.size(2)};
  return {maps.size(0), maps.size(1), maps.size(2)};
}

const CapturedLayer* ForwardCapture::find(const std::string& id) const {
  for (const auto& l : layers)
    if (l.id == id) return &l;
  return nullptr;
}

torch::Tensor ForwardCapture::vector(const std::string& id) const {
  const CapturedLayer* l = find(id);
  return l && l->output ? l->maps.reshape({-1}) : torch::Tensor();
}

std::string ForwardCapture::layer_names() const {
  std::string out;
  for (const auto& l : layers) out += (out.empty() ? "" : ", ") + l.id;
  return out;
}

ForwardCapture capture_forward(Model& model, const Dataset& dataset, int64_t index, const torch::Device& device) {
  TORCH_CHECK(index >= 0 && index < dataset.test.size(), "capture_forward: index ", index, " out of range");
  ForwardCapture c;
  c.index = index;
  const torch::Tensor image = dataset.test.images.narrow(0, index, 1);
  std::map<std::string, Tapped> tapped;
  const ModelOutputs outputs = run_with_taps(model, image.to(device), model.taps().points(), tapped);
  c.input = image[0].to(torch::kCPU, torch::kFloat);
  c.recon = outputs.at(ModelOutput::RECONSTRUCTION)[0].detach().to(torch::kCPU, torch::kFloat);
  // A point the forward pass did not reach (a branch this model skips) is left out.
  for (const auto& p : model.taps().points())
    if (tapped.count(p)) c.layers.push_back({p, tapped[p].spatial, false, tapped[p].maps[0]});
  for (const auto& v : vector_outputs())
    if (outputs.count(v.output)) c.layers.push_back({v.id, false, true, output_maps(outputs, v)[0]});
  return c;
}

torch::Tensor capture_layer_batch(Model& model, const std::string& layer, const torch::Tensor& images) {
  std::map<std::string, Tapped> tapped;
  const bool is_point = model.taps().has(layer);
  const ModelOutputs outputs =
      run_with_taps(model, images, is_point ? std::vector<std::string>{layer} : std::vector<std::string>{}, tapped);
  if (is_point) {
    TORCH_CHECK(tapped.count(layer), "capture_layer_batch: the forward pass did not reach ", layer);
    return tapped[layer].maps;
  }
  const VectorOutput* v = vector_output(layer);
  TORCH_CHECK(v && outputs.count(v->output), "capture_layer_batch: no layer ", layer);
  return output_maps(outputs, *v);
}

nlohmann::json network_json(const std::string& type) {
  return {{"format", "acc.network"}, {"version", 1}, {"type", type}};
}

}  // namespace acc
