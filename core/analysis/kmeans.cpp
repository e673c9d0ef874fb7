// k-means++ seeded Lloyd iterations with restarts; see kmeans.h.
#include "analysis/kmeans.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <limits>

#include "error.h"

namespace acc {
namespace {

// Squared Euclidean distances [N, k] via |x|^2 - 2 x.c + |c|^2 (one matrix product), floored
// at 0 against rounding.
torch::Tensor squared_distances(const torch::Tensor& x, const torch::Tensor& x_sq, const torch::Tensor& centers) {
  return (x_sq.unsqueeze(1) - 2 * x.matmul(centers.t()) + centers.square().sum(/*dim=*/1).unsqueeze(0)).clamp_min(0);
}

// Draws `count` indices with probability proportional to `weights` [N] (float64, sum > 0).
torch::Tensor draw_weighted(const torch::Tensor& weights, int64_t count, at::Generator& gen) {
  const torch::Tensor cdf = weights.cumsum(/*dim=*/0);
  const double total = cdf[-1].item<double>();
  const torch::Tensor u = at::rand({count}, gen, torch::TensorOptions().dtype(torch::kDouble)) * total;
  return torch::searchsorted(cdf, u).clamp_max(weights.size(0) - 1);
}

torch::Tensor greedy_kmeans_plus_plus(const torch::Tensor& x, const torch::Tensor& x_sq, int64_t k, at::Generator& gen) {
  const int64_t n = x.size(0);
  const int64_t trials = 2 + static_cast<int64_t>(std::log(static_cast<double>(k)));
  torch::Tensor centers = torch::empty({k, x.size(1)}, x.options());
  const int64_t first = at::randint(n, {1}, gen, torch::TensorOptions().dtype(torch::kLong)).item<int64_t>();
  centers[0] = x[first];
  torch::Tensor closest = squared_distances(x, x_sq, centers.slice(0, 0, 1)).select(1, 0);  // [N]
  for (int64_t c = 1; c < k; ++c) {
    torch::Tensor candidates;
    if (closest.sum().item<double>() > 0) {
      candidates = draw_weighted(closest, trials, gen);
    } else {  // every point sits on a centre already (duplicates): any point will do
      candidates = at::randint(n, {trials}, gen, torch::TensorOptions().dtype(torch::kLong));
    }
    // For each candidate, the inertia if it joined the centres; keep the best.
    const torch::Tensor d = squared_distances(x, x_sq, x.index_select(0, candidates));  // [N, trials]
    const torch::Tensor merged = torch::minimum(d, closest.unsqueeze(1));
    const int64_t best = merged.sum(/*dim=*/0).argmin().item<int64_t>();
    centers[c] = x[candidates[best].item<int64_t>()];
    closest = merged.select(1, best).contiguous();
  }
  return centers;
}

struct LloydRun {
  torch::Tensor centers, assignments;
  double inertia = 0;
  int64_t iterations = 0;
};

LloydRun lloyd(const torch::Tensor& x, const torch::Tensor& x_sq, torch::Tensor centers, const KMeansOptions& o,
               double shift_tol) {
  const int64_t k = centers.size(0);
  LloydRun run;
  torch::Tensor assignments;
  for (run.iterations = 1; run.iterations <= o.max_iterations; ++run.iterations) {
    const torch::Tensor d = squared_distances(x, x_sq, centers);
    const auto [min_d, nearest] = d.min(/*dim=*/1);
    assignments = nearest;
    torch::Tensor sums = torch::zeros_like(centers).index_add_(0, nearest, x);
    torch::Tensor counts = torch::bincount(nearest, /*weights=*/{}, /*minlength=*/k).to(x.dtype());
    torch::Tensor updated = sums / counts.clamp_min(1).unsqueeze(1);
    // An empty cluster restarts at the point currently worst served.
    const torch::Tensor empty = (counts == 0).nonzero().flatten();
    if (empty.numel() > 0) {
      const torch::Tensor far = std::get<1>(min_d.topk(empty.numel()));
      updated.index_copy_(0, empty, x.index_select(0, far));
    }
    const double shift = (updated - centers).square().sum().item<double>();
    centers = updated;
    if (shift <= shift_tol) break;
  }
  run.iterations = std::min(run.iterations, o.max_iterations);
  // Final assignment and inertia against the final centres.
  const auto [min_d, nearest] = squared_distances(x, x_sq, centers).min(/*dim=*/1);
  run.centers = centers;
  run.assignments = nearest;
  run.inertia = min_d.sum().item<double>();
  return run;
}

}  // namespace

KMeansResult kmeans(const torch::Tensor& points, const KMeansOptions& o) {
  if (o.k < 1 || o.restarts < 1 || o.max_iterations < 1)
    throw Error("k-means: k, restarts and max_iterations must be >= 1");
  const torch::Tensor x = points.detach().cpu().to(torch::kDouble).flatten(/*start_dim=*/1).contiguous();
  if (x.size(0) < o.k)
    throw Error("k-means: " + std::to_string(x.size(0)) + " points cannot make " + std::to_string(o.k) + " clusters");
  const torch::Tensor x_sq = x.square().sum(/*dim=*/1);
  const double shift_tol = o.tol * x.var(/*dim=*/0, /*unbiased=*/false).mean().item<double>();
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(o.seed);
  KMeansResult best;
  best.inertia = std::numeric_limits<double>::infinity();
  for (int64_t r = 0; r < o.restarts; ++r) {
    LloydRun run = lloyd(x, x_sq, greedy_kmeans_plus_plus(x, x_sq, o.k, gen), o, shift_tol);
    if (run.inertia < best.inertia) {
      best.centers = run.centers;
      best.assignments = run.assignments;
      best.inertia = run.inertia;
      best.iterations = run.iterations;
      best.restart = r;
    }
  }
  return best;
}

torch::Tensor nearest_center(const torch::Tensor& points, const torch::Tensor& centers) {
  const torch::Tensor x = points.detach().cpu().to(torch::kDouble).flatten(/*start_dim=*/1);
  return std::get<1>(squared_distances(x, x.square().sum(/*dim=*/1), centers.to(torch::kDouble)).min(/*dim=*/1));
}

}  // namespace acc
