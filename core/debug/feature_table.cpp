// Per-feature table; see feature_table.h.
#include "debug/feature_table.h"

#include <limits>

#include "analysis/specialisation.h"
#include "eval/json_numbers.h"

namespace acc {

namespace {

const char* const kNumericColumns[] = {"win_rate", "usage", "grad_magnitude", "gate",
                                       "gated_grad_magnitude", "activation_mean", "novelty"};

const torch::Tensor& column(const FeatureColumns& c, const std::string& name) {
  if (name == "win_rate") return c.win_rate;
  if (name == "usage") return c.usage;
  if (name == "grad_magnitude") return c.grad_magnitude;
  if (name == "gate") return c.gate;
  if (name == "gated_grad_magnitude") return c.gated_grad_magnitude;
  if (name == "activation_mean") return c.activation_mean;
  return c.novelty;
}

// Per image and feature: the L2 norm over the feature's positions ([B, C]).
torch::Tensor per_feature_norm(const torch::Tensor& t) {
  return t.dim() == 2 ? t.abs() : t.flatten(2).norm(2, /*dim=*/2);
}

}  // namespace

FeatureColumns feature_columns(const torch::Tensor& activation, const torch::Tensor& grad, const torch::Tensor& gate,
                               const torch::Tensor& weight) {
  const torch::Tensor a = activation.detach().to(torch::kCPU, torch::kDouble);
  const int64_t batch = a.size(0), features = a.size(1);
  ActivationStats stats;
  stats.add(a);
  const nlohmann::json per_channel = stats.per_channel();
  const auto from_json = [&](const char* key) {
    return torch::tensor(per_channel.at(key).get<std::vector<double>>(), torch::kDouble);
  };

  FeatureColumns c;
  c.win_rate = from_json("win_rate");
  c.usage = from_json("usage");
  c.activation_mean = a.dim() == 2 ? a.mean(0) : a.flatten(2).mean(2).mean(0);
  c.dead = (a.dim() == 2 ? a : a.flatten(2)).abs().reshape({batch, features, -1}).amax({0, 2}) <= 0;

  const torch::Tensor g = grad.defined() ? grad.detach().to(torch::kCPU, torch::kDouble) : torch::zeros_like(a);
  const torch::Tensor gates =
      gate.defined() ? gate.detach().to(torch::kCPU, torch::kDouble) : torch::ones({batch, features}, torch::kDouble);
  const torch::Tensor norms = per_feature_norm(g);
  c.grad_magnitude = norms.mean(0);
  c.gate = gates.mean(0);
  c.gated_grad_magnitude = (gates * norms).mean(0);

  if (weight.defined() && features > 1) {
    torch::Tensor cos = cosine_matrix(weight.detach().to(torch::kCPU));
    cos.fill_diagonal_(-std::numeric_limits<double>::infinity());
    c.novelty = 1.0 - std::get<0>(cos.max(1));
  } else {
    c.novelty = weight.defined() ? torch::ones({features}, torch::kDouble) : torch::zeros({features}, torch::kDouble);
  }
  return c;
}

std::string feature_status(bool dead, double win_rate, int64_t features) {
  if (dead) return "dead";
  return win_rate >= 2.0 / static_cast<double>(features) ? "winner" : "contender";
}

nlohmann::json feature_table_json(const FeatureColumns& c) {
  const int64_t features = c.win_rate.size(0);
  nlohmann::json rows = nlohmann::json::array();
  nlohmann::json counts = {{"dead", 0}, {"winner", 0}, {"contender", 0}};
  for (int64_t f = 0; f < features; ++f) {
    nlohmann::json row = {{"feature", f}, {"dead", c.dead[f].item<bool>()}};
    for (const char* name : kNumericColumns) row[name] = json_number(column(c, name)[f].item<double>());
    const std::string status = feature_status(row["dead"], column(c, "win_rate")[f].item<double>(), features);
    row["status"] = status;
    counts[status] = counts[status].get<int64_t>() + 1;
    rows.push_back(std::move(row));
  }
  nlohmann::json mean, min, max;
  for (const char* name : kNumericColumns) {
    const torch::Tensor& t = column(c, name);
    mean[name] = json_number(t.mean().item<double>());
    min[name] = json_number(t.min().item<double>());
    max[name] = json_number(t.max().item<double>());
  }
  nlohmann::json columns = {"feature"};
  for (const char* name : kNumericColumns) columns.push_back(name);
  columns.push_back("dead");
  columns.push_back("status");
  return {{"features", features},
          {"thresholds", {{"winner_win_rate", json_number(2.0 / static_cast<double>(features))}}},
          {"columns", columns},
          {"rows", rows},
          {"summary", {{"mean", mean}, {"min", min}, {"max", max}, {"counts", counts}}}};
}

}  // namespace acc
