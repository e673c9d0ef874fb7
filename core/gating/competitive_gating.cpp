// Competitive gradient gating; the formula is in competitive_gating.h.
#include "gating/competitive_gating.h"

#include <set>

#include "error.h"

namespace acc {

nlohmann::json GatingConfig::to_json() const {
  nlohmann::json layer_map = nlohmann::json::object();
  for (const auto& l : layers) layer_map[l.layer] = l.strength;
  return {{"temperature", temperature}, {"layers", layer_map}};
}

GatingConfig GatingConfig::from_json(const nlohmann::json& j) {
  GatingConfig c;
  c.temperature = j.value("temperature", 1.0);
  const nlohmann::json layers = j.value("layers", nlohmann::json::object());  // kept alive for items()
  for (const auto& [layer, strength] : layers.items()) c.layers.push_back({layer, strength.get<double>()});
  return c;
}

void GatingConfig::check(const Model& model, const std::string& where) const {
  const std::string prefix = where.empty() ? "" : where + ": ";
  if (!(temperature > 0))
    throw Error(prefix + "field 'temperature' must be > 0 (it divides the channel strengths), got " +
                std::to_string(temperature));
  if (layers.empty()) throw Error(prefix + "field 'layers': name at least one layer; valid layers: " +
                                  model.taps().point_names());
  std::set<std::string> seen;
  for (const auto& l : layers) {
    if (!model.taps().has(l.layer))
      throw Error(prefix + "field 'layers': '" + l.layer + "' is not an activation point of this model; valid layers: " +
                  model.taps().point_names());
    if (!seen.insert(l.layer).second) throw Error(prefix + "field 'layers': '" + l.layer + "' is named twice");
    if (!(l.strength >= 0 && l.strength <= 1))
      throw Error(prefix + "gate_strength of '" + l.layer + "' must be in [0, 1] (0 = plain gradients, 1 = full gating), got " +
                  std::to_string(l.strength));
  }
}

torch::Tensor competitive_gate(const torch::Tensor& activation, double temperature, double strength) {
  TORCH_CHECK(activation.dim() >= 2, "competitive_gate expects [B, C] or [B, C, ...], got ", activation.sizes());
  torch::Tensor m = activation.abs();
  if (m.dim() > 2) m = m.flatten(/*start_dim=*/2).mean(/*dim=*/2);
  const double channels = static_cast<double>(m.size(1));
  const torch::Tensor g = channels * torch::softmax(m / temperature, /*dim=*/1);
  return (1.0 - strength) + strength * g;
}

CompetitiveGradientGating::CompetitiveGradientGating(Model& model, GatingConfig config)
    : taps_(model.taps()), config_(std::move(config)) {
  config_.check(model, "");
  for (const auto& l : config_.layers) {
    const double temperature = config_.temperature, strength = l.strength;
    handles_.push_back(taps_.add(l.layer, [temperature, strength](const torch::Tensor& a) {
      if (!a.requires_grad()) return;  // eval / no-grad: nothing to steer
      torch::Tensor gate;
      {
        torch::NoGradGuard no_grad;
        gate = competitive_gate(a.detach(), temperature, strength);
        std::vector<int64_t> shape = {gate.size(0), gate.size(1)};
        shape.resize(static_cast<size_t>(a.dim()), 1);  // [B, C, 1, 1] broadcasts over space
        gate = gate.view(shape);
      }
      a.register_hook([gate](const torch::Tensor& grad) { return grad * gate; });
    }));
  }
}

void CompetitiveGradientGating::remove() {
  for (int64_t h : handles_) taps_.remove(h);
  handles_.clear();
}

}  // namespace acc
