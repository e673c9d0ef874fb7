// Watched-feature trajectories; see trajectories.h.
#include "debug/trajectories.h"

#include "analysis/specialisation.h"
#include "error.h"
#include "eval/json_numbers.h"

namespace acc {

namespace {

double trajectory_cosine(const torch::Tensor& a, const torch::Tensor& b) {
  const double na = a.norm().item<double>(), nb = b.norm().item<double>();
  return na == 0 || nb == 0 ? 0 : (a * b).sum().item<double>() / (na * nb);
}

torch::Tensor as_rows(const torch::Tensor& w) { return w.detach().to(torch::kCPU, torch::kDouble).reshape({w.size(0), -1}); }

}  // namespace

void Trajectories::watch(const std::vector<int64_t>& features, const torch::Tensor& weight_rows, int64_t step) {
  const torch::Tensor rows = as_rows(weight_rows);
  for (const int64_t f : features)
    if (f < 0 || f >= rows.size(0))
      throw Error("watch: feature " + std::to_string(f) + " does not exist; this layer has features 0.." +
                  std::to_string(rows.size(0) - 1));
  for (const int64_t f : features) {
    auto it = tracks_.find(f);
    if (it != tracks_.end() && it->second.watching) continue;  // already watched: keep its record
    Track track;
    track.since = step;
    track.initial = rows[f].clone();
    tracks_[f] = std::move(track);
  }
}

void Trajectories::unwatch(const std::vector<int64_t>& features) {
  for (const int64_t f : features)
    if (auto it = tracks_.find(f); it != tracks_.end()) it->second.watching = false;
}

std::vector<int64_t> Trajectories::watched() const {
  std::vector<int64_t> out;
  for (const auto& [f, t] : tracks_)
    if (t.watching) out.push_back(f);
  return out;
}

void Trajectories::record(int64_t step, const torch::Tensor& weight_rows, const torch::Tensor& win_rate,
                          const torch::Tensor& grad_magnitude, const torch::Tensor& gate) {
  const torch::Tensor rows = as_rows(weight_rows);
  for (auto& [f, t] : tracks_) {
    if (!t.watching) continue;
    if (t.seen++ % t.stride != 0) continue;
    t.points.push_back({step, trajectory_cosine(rows[f], t.initial), win_rate[f].item<double>(), grad_magnitude[f].item<double>(),
                        gate[f].item<double>()});
    if (t.points.size() > cap_) {
      std::vector<TrajectoryPoint> kept;
      for (size_t i = 0; i < t.points.size(); i += 2) kept.push_back(t.points[i]);
      t.points = std::move(kept);
      t.stride *= 2;
    }
  }
}

size_t Trajectories::points(int64_t feature) const {
  const auto it = tracks_.find(feature);
  return it == tracks_.end() ? 0 : it->second.points.size();
}

nlohmann::json Trajectories::to_json(const torch::Tensor& weight_rows, int64_t step) const {
  nlohmann::json features = nlohmann::json::object();
  for (const auto& [f, t] : tracks_) {
    nlohmann::json points = nlohmann::json::array();
    for (const auto& p : t.points)
      points.push_back({{"step", p.step},
                        {"weight_cos_to_init", json_number(p.weight_cos_to_init)},
                        {"win_rate", json_number(p.win_rate)},
                        {"grad_magnitude", json_number(p.grad_magnitude)},
                        {"gate", json_number(p.gate)}});
    features[std::to_string(f)] = {{"since", t.since}, {"stride", t.stride}, {"watching", t.watching}, {"points", points}};
  }
  const std::vector<int64_t> ids = watched();
  nlohmann::json matrix = nlohmann::json::array();
  if (!ids.empty() && weight_rows.defined()) {
    const torch::Tensor rows = as_rows(weight_rows);
    const torch::Tensor cos = cosine_matrix(rows.index_select(0, torch::tensor(ids, torch::kLong)));
    matrix = json_nested(cos);
  }
  return {{"cap", cap_},
          {"watched", ids},
          {"features", features},
          {"pairwise", {{"step", step}, {"features", ids}, {"matrix", matrix}}}};
}

}  // namespace acc
