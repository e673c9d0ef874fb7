// UMAP (McInnes, Healy & Melville 2018, arXiv:1802.03426) as a pure function on tensors,
// following umap-learn 0.5's simplicial_set_embedding step by step: fuzzy kNN memberships
// (smooth_knn_dist), fuzzy-union symmetrisation, spectral (or PCA) initialisation, then
// umap-learn's sequential SGD with negative sampling. The kNN graph is an input: it is
// computed exactly elsewhere, and UMAP never recomputes it.
//
// Deterministic: the only randomness is a SplitMix64 stream seeded from `seed`, so the same
// inputs and seed give a byte-identical embedding; torch's global RNG is never touched.
//
// Where it knowingly differs from umap-learn (trustworthiness matches it on the same kNN):
// - the kNN excludes the point itself; memberships are computed as umap-learn would with
//   n_neighbors = k + 1 and self prepended (so our k = 15 is umap-learn's n_neighbors = 16);
// - a disconnected graph gets the PCA initialisation (recorded in params) instead of
//   umap-learn's per-component spectral layout;
// - the SGD runs in float32 with the two gradient coefficients tabulated (relative error
//   < 1e-4) rather than pow() per sample: several times faster, same schedule and formulas.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

namespace acc {

struct UmapParams {
  int64_t n_components = 2;       // 2 or 3
  int64_t n_neighbors = 15;       // must equal the kNN width passed in (self excluded)
  double min_dist = 0.1;          // 0 <= min_dist <= spread
  double spread = 1.0;
  int64_t n_epochs = 0;           // 0 = auto like umap-learn: 500 when N <= 10000, else 200
  double learning_rate = 1.0;
  int64_t negative_sample_rate = 5;
  double repulsion_strength = 1.0;  // umap-learn's gamma
  std::string init = "spectral";  // "spectral" or "pca"
  uint64_t seed = 0;
};

struct UmapResult {
  torch::Tensor embedding;  // float32 [N, n_components]
  double a = 0, b = 0;      // fitted curve parameters
  // Every parameter actually used: the inputs, a, b, n_epochs resolved, the init that
  // actually ran ("init") next to the one asked for ("init_requested") and, on a fallback,
  // "init_fallback_reason"; graph facts (n_edges, graph_components) and spectral solver
  // diagnostics when the spectral init was attempted.
  nlohmann::json params;
};

// data: float32 [N, D], only read by the PCA initialisation (and a spectral fallback).
// knn_indices: int64 [N, k], k = params.n_neighbors, self excluded, sorted by distance.
// knn_distances: float32 [N, k], the matching Euclidean distances in the data space.
// Throws acc::Error for a parameter out of range; TORCH_CHECK for inconsistent tensors.
UmapResult umap_embed(const torch::Tensor& data, const torch::Tensor& knn_indices,
                      const torch::Tensor& knn_distances, const UmapParams& params);

// Fits a, b of the embedding-space similarity 1 / (1 + a d^(2b)) to the target curve
// (1 below min_dist, exp(-(d - min_dist) / spread) above) by least squares on 300 points of
// [0, 3 spread], as umap-learn's find_ab_params does with scipy's curve_fit.
std::pair<double, double> umap_find_ab(double spread, double min_dist);

}  // namespace acc
