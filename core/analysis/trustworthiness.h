// Trustworthiness (Venna & Kaski 2001; sklearn.manifold.trustworthiness): how far a 2-D
// (or any low-dimensional) view of the latent space invents neighbours. For each point i,
// the k nearest neighbours in the embedding that are not among its k nearest in the
// original space are penalised by how far down the original ranking they sit:
//   T(k) = 1 - 2 / (n k (2n - 3k - 1)) * sum_i sum_{j in U_i^k} (r(i, j) - k),
// r(i, j) = 1-based rank of j by distance from i in the original space. T = 1 when every
// embedded neighbourhood is an original one; a random layout scores about 0.5.
//
// Ranks use exact_knn's definition (squared_distance, ties by lower index), so the value
// is exact and deterministic. sklearn breaks exact ties arbitrarily; on data without exact
// distance ties the two agree to rounding.
#pragma once

#include <torch/torch.h>

#include <cstdint>

#include "analysis/knn.h"

namespace acc {

// `original` [N, D] and `embedded` [N, d], same N; 1 <= k < N / 2 (sklearn's limit, which
// keeps the normaliser positive). `original_knn` / `embedded_knn`: optional precomputed
// exact_knn results with at least k columns (the first k are used), so a caller that
// already has them does not pay for them twice. original_knn only lets rows skip ranking
// neighbours known to rank <= k; it must come from exact_knn on the same data.
// Cost: one pass of float32 distance blocks over all N^2 pairs, O(N k) memory beyond a
// ~256 MB block.
double trustworthiness(const torch::Tensor& original, const torch::Tensor& embedded, int64_t k,
                       const Knn* original_knn = nullptr, const Knn* embedded_knn = nullptr);

}  // namespace acc
