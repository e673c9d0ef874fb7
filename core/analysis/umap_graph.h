// UMAP's graph stage (umap.h), internal to umap*.cpp: from the kNN to one symmetric fuzzy
// graph (fuzzy memberships, then their fuzzy union), the pruning of edges too weak to be
// sampled, and the component count that decides whether the spectral initialisation can
// run. A file of its own so the graph construction reads apart from the layout stages.
#pragma once

#include <cstdint>
#include <vector>

namespace acc::umap_detail {

// Symmetric sparse matrix. Columns within a row are increasing, so walking it row by row
// visits edges in the order of umap-learn's graph.tocoo(), which the SGD follows.
struct Csr {
  int64_t n = 0;
  std::vector<int64_t> row_ptr;
  std::vector<int32_t> col;
  std::vector<double> val;
  int64_t nnz() const { return static_cast<int64_t>(col.size()); }
};

// Membership strength of each directed kNN edge, [n * k] row-major like `dists` (float32
// [n, k], self excluded, sorted by distance), as umap-learn's smooth_knn_dist +
// compute_membership_strengths would give with n_neighbors = k + 1.
std::vector<double> fuzzy_memberships(const float* dists, int64_t n, int64_t k);

// The fuzzy union W = A + A^T - A o A^T of the directed memberships `w` on the kNN `idx`
// (int64 [n, k]). TORCH_CHECKs that every index is in [0, n).
Csr fuzzy_union(const int64_t* idx, const std::vector<double>& w, int64_t n, int64_t k);

// `g` without the edges whose weight is below `threshold`.
Csr drop_weak_edges(const Csr& g, double threshold);

// Number of connected components of `g`.
int64_t count_components(const Csr& g);

}  // namespace acc::umap_detail
