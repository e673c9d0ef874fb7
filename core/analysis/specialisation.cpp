// Specialisation measures; definitions in specialisation.h.
#include "analysis/specialisation.h"

#include <cmath>

namespace acc {

torch::Tensor weight_rows(const torch::Tensor& weight) {
  TORCH_CHECK(weight.dim() >= 1, "weight_rows: scalar weight");
  return weight.detach().to(torch::kCPU, torch::kDouble).reshape({weight.size(0), -1});
}

torch::Tensor cosine_matrix(const torch::Tensor& weight) {
  const torch::Tensor rows = weight_rows(weight);
  const torch::Tensor norms = rows.norm(2, /*dim=*/1, /*keepdim=*/true);
  // Zero rows stay zero instead of dividing by 0.
  const torch::Tensor unit = rows / torch::where(norms > 0, norms, torch::ones_like(norms));
  return unit.matmul(unit.t());
}

WeightCosine weight_cosine(const torch::Tensor& weight) {
  const torch::Tensor c = cosine_matrix(weight);
  WeightCosine out;
  out.rows = c.size(0);
  if (out.rows < 2) return out;
  const torch::Tensor off = c.masked_select(~torch::eye(out.rows, torch::dtype(torch::kBool)));
  out.mean = off.mean().item<double>();
  out.abs_mean = off.abs().mean().item<double>();
  out.max = off.max().item<double>();
  return out;
}

double effective_rank(const torch::Tensor& weight) {
  const torch::Tensor s = torch::linalg::svdvals(weight_rows(weight), /*driver=*/c10::nullopt);
  const double total = s.sum().item<double>();
  if (total <= 0) return 0;
  const torch::Tensor p = s / total;
  const torch::Tensor nonzero = p.masked_select(p > 0);
  return std::exp(-(nonzero * nonzero.log()).sum().item<double>());
}

void ActivationStats::add(const torch::Tensor& activation) {
  TORCH_CHECK(activation.dim() >= 2, "activation statistics need [B, C] or [B, C, ...], got ", activation.sizes());
  torch::Tensor m = activation.detach().to(torch::kCPU, torch::kDouble).abs();
  if (m.dim() > 2) m = m.flatten(/*start_dim=*/2).mean(/*dim=*/2);
  const int64_t channels = m.size(1);
  if (!wins_.defined()) {
    wins_ = torch::zeros({channels}, torch::kLong);
    usage_ = torch::zeros({channels}, torch::kLong);
    strength_sum_ = torch::zeros({channels}, torch::kDouble);
    max_strength_ = torch::zeros({channels}, torch::kDouble);
  }
  TORCH_CHECK(channels == wins_.size(0), "activation statistics: channel count changed from ", wins_.size(0), " to ",
              channels);
  const torch::Tensor total = m.sum(/*dim=*/1);
  const torch::Tensor live = total > 0;
  const torch::Tensor above = m > m.mean(/*dim=*/1, /*keepdim=*/true);  // silent rows: all false
  const torch::Tensor fraction = above.to(torch::kDouble).mean(/*dim=*/1);
  const double c = static_cast<double>(channels);
  const torch::Tensor l2 = m.norm(2, /*dim=*/1);
  const torch::Tensor hoyer =
      (std::sqrt(c) - total / torch::where(live, l2, torch::ones_like(l2))) / std::max(std::sqrt(c) - 1, 1e-12);
  const torch::Tensor winners = m.argmax(/*dim=*/1).masked_select(live);

  images_ += m.size(0);
  silent_ += m.size(0) - live.sum().item<int64_t>();
  fraction_sum_ += fraction.sum().item<double>();
  fraction_sq_sum_ += fraction.square().sum().item<double>();
  hoyer_sum_ += hoyer.masked_select(live).sum().item<double>();
  wins_.index_add_(0, winners, torch::ones_like(winners));
  usage_ += above.sum(/*dim=*/0);
  strength_sum_ += m.sum(/*dim=*/0);
  max_strength_ = torch::maximum(max_strength_, std::get<0>(m.max(/*dim=*/0)));
}

std::map<std::string, double> ActivationStats::metrics() const {
  std::map<std::string, double> out;
  if (images_ == 0) return out;
  const double n = static_cast<double>(images_);
  const double mean = fraction_sum_ / n;
  const int64_t live = images_ - silent_;
  out["fraction_active"] = mean;
  out["fraction_active_var"] = std::max(0.0, fraction_sq_sum_ / n - mean * mean);
  out["hoyer"] = live > 0 ? hoyer_sum_ / static_cast<double>(live) : 0.0;
  out["silent_fraction"] = static_cast<double>(silent_) / n;
  out["dead_fraction"] = (max_strength_ <= 0).to(torch::kDouble).mean().item<double>();
  if (live > 0) {
    const torch::Tensor rate = wins_.to(torch::kDouble) / static_cast<double>(live);
    const torch::Tensor nonzero = rate.masked_select(rate > 0);
    out["win_rate_max"] = rate.max().item<double>();
    out["winners_effective"] = std::exp(-(nonzero * nonzero.log()).sum().item<double>());
  } else {
    out["win_rate_max"] = 0;
    out["winners_effective"] = 0;
  }
  return out;
}

nlohmann::json ActivationStats::per_channel() const {
  nlohmann::json out = {{"images", images_}, {"silent_images", silent_}};
  if (images_ == 0) return out;
  const double live = static_cast<double>(std::max<int64_t>(images_ - silent_, 1));
  const double n = static_cast<double>(images_);
  std::vector<double> win_rate, usage, mean_strength;
  std::vector<bool> dead;
  for (int64_t c = 0; c < wins_.size(0); ++c) {
    win_rate.push_back(wins_[c].item<double>() / live);
    usage.push_back(usage_[c].item<double>() / n);
    mean_strength.push_back(strength_sum_[c].item<double>() / n);
    dead.push_back(max_strength_[c].item<double>() <= 0);
  }
  out["win_rate"] = win_rate;
  out["usage"] = usage;
  out["mean_strength"] = mean_strength;
  out["dead"] = dead;
  return out;
}

}  // namespace acc
