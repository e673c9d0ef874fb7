// k-means (Lloyd's algorithm) with k-means++ seeding: the clustering baseline a GM-VAE must
// beat, on raw pixels and on its own latent means.
//
// Seeding is scikit-learn's "greedy k-means++" (Arthur & Vassilvitskii 2007, section 5):
// the first centre uniformly, then each next centre the best (lowest resulting inertia) of
// 2 + floor(ln k) candidates drawn with probability proportional to D(x)^2. Lloyd steps
// stop when the squared centre shift sums to <= tol * mean per-feature variance (the
// criterion scikit-learn uses) or after max_iterations. The run with the lowest inertia of
// `restarts` independent seedings is kept. An emptied cluster takes the point farthest from
// its centre. All randomness comes from one private generator seeded with `seed`, so a
// result depends only on the data and the options.
#pragma once

#include <torch/torch.h>

#include <cstdint>

namespace acc {

struct KMeansOptions {
  int64_t k = 10;
  int64_t restarts = 10;
  int64_t max_iterations = 300;
  double tol = 1e-4;
  uint64_t seed = 0;
};

struct KMeansResult {
  torch::Tensor centers;      // [k, D] float64
  torch::Tensor assignments;  // [N] int64: nearest centre of each fitted point
  double inertia = 0;         // sum of squared distances of the points to their centres
  int64_t iterations = 0;     // Lloyd steps of the kept run
  int64_t restart = 0;        // which restart was kept
};

// `points` [N, D] (any float type, N >= k). acc::Error for k < 1 or N < k.
KMeansResult kmeans(const torch::Tensor& points, const KMeansOptions& options);
// Index of the nearest centre for each row of `points` [M, D].
torch::Tensor nearest_center(const torch::Tensor& points, const torch::Tensor& centers);

}  // namespace acc
