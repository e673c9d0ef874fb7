// UMAP's graph stage (see umap_graph.h): fuzzy memberships, fuzzy union, weak-edge pruning
// and the component count, as umap-learn 0.5 computes them. Plain single-threaded loops in
// a fixed order, in float64.
#include "analysis/umap_graph.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace acc::umap_detail {

namespace {

// smooth_knn_dist's binary search for sigma, with umap-learn's constants.
constexpr int kSigmaIterations = 64;
constexpr double kSigmaTolerance = 1e-5;
constexpr double kMinKDistScale = 1e-3;

}  // namespace

// ---- 1. fuzzy memberships (smooth_knn_dist + compute_membership_strengths) ----
//
// umap-learn's kNN rows start with the point itself at distance 0; ours exclude it. We
// reproduce umap-learn called with n_neighbors = k + 1 on the rows with self prepended:
// target log2(k + 1), rho = first positive distance, and the MIN_K_DIST_SCALE floor uses
// means over k + 1 entries (the self zero included). Computed in float64 throughout.
std::vector<double> fuzzy_memberships(const float* dists, int64_t n, int64_t k) {
  const double target = std::log2(static_cast<double>(k + 1));
  double total = 0;
  for (int64_t i = 0; i < n * k; ++i) total += dists[i];
  const double mean_all = total / static_cast<double>(n * (k + 1));

  std::vector<double> w(n * k);
  for (int64_t i = 0; i < n; ++i) {
    const float* d = dists + i * k;
    double rho = 0, row_sum = 0;
    for (int64_t j = 0; j < k; ++j) {
      if (rho == 0 && d[j] > 0) rho = d[j];
      row_sum += d[j];
    }
    double lo = 0, hi = std::numeric_limits<double>::infinity(), sigma = 1;
    for (int it = 0; it < kSigmaIterations; ++it) {
      double psum = 0;
      for (int64_t j = 0; j < k; ++j) {
        const double excess = d[j] - rho;
        psum += excess > 0 ? std::exp(-excess / sigma) : 1.0;
      }
      if (std::fabs(psum - target) < kSigmaTolerance) break;
      if (psum > target) {
        hi = sigma;
        sigma = (lo + hi) / 2;
      } else {
        lo = sigma;
        sigma = std::isinf(hi) ? sigma * 2 : (lo + hi) / 2;
      }
    }
    // Guard against a vanishing sigma when the neighbours sit at almost the same distance.
    const double mean_row = row_sum / static_cast<double>(k + 1);
    sigma = std::max(sigma, kMinKDistScale * (rho > 0 ? mean_row : mean_all));
    for (int64_t j = 0; j < k; ++j) {
      const double excess = d[j] - rho;
      w[i * k + j] = (excess <= 0 || sigma == 0) ? 1.0 : std::exp(-excess / sigma);
    }
  }
  return w;
}

// ---- 2. fuzzy union W = A + A^T - A o A^T ----
//
// Each directed membership i -> j lands in row i (as part of A) and in row j (as part of
// A^T); after a per-row sort by column the two halves of a pair sit side by side. A bucket
// pass plus ~2k-long sorts is O(nnz log k), a few hundred ms at N = 70,000, k = 15.
Csr fuzzy_union(const int64_t* idx, const std::vector<double>& w, int64_t n, int64_t k) {
  struct Entry {
    int32_t col;
    bool transposed;
    double val;
  };
  std::vector<int64_t> start(n + 1, 0);
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j < k; ++j) {
      const int64_t t = idx[i * k + j];
      TORCH_CHECK(t >= 0 && t < n, "umap_embed: knn_indices[", i, "][", j, "] = ", t,
                  " is outside [0, ", n, ")");
      if (t == i || w[i * k + j] <= 0) continue;  // umap-learn gives self-edges weight 0
      ++start[i + 1];
      ++start[t + 1];
    }
  }
  for (int64_t i = 0; i < n; ++i) start[i + 1] += start[i];
  std::vector<Entry> entries(start[n]);
  std::vector<int64_t> fill(start.begin(), start.end() - 1);
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j < k; ++j) {
      const int64_t t = idx[i * k + j];
      const double v = w[i * k + j];
      if (t == i || v <= 0) continue;
      entries[fill[i]++] = {static_cast<int32_t>(t), false, v};
      entries[fill[t]++] = {static_cast<int32_t>(i), true, v};
    }
  }

  Csr g;
  g.n = n;
  g.row_ptr.assign(n + 1, 0);
  g.col.reserve(entries.size());
  g.val.reserve(entries.size());
  for (int64_t r = 0; r < n; ++r) {
    const auto first = entries.begin() + start[r], last = entries.begin() + start[r + 1];
    std::sort(first, last, [](const Entry& x, const Entry& y) {
      return x.col != y.col ? x.col < y.col : x.transposed < y.transposed;
    });
    for (auto e = first; e != last;) {
      double a = 0, t = 0;  // summed like scipy's sum_duplicates should a kNN row repeat
      const int32_t c = e->col;
      for (; e != last && e->col == c; ++e) (e->transposed ? t : a) += e->val;
      const double v = a + t - a * t;
      if (v <= 0) continue;
      g.col.push_back(c);
      g.val.push_back(v);
    }
    g.row_ptr[r + 1] = g.nnz();
  }
  return g;
}

// umap-learn zeroes edges below max_weight / n_epochs: they would be sampled less than once.
Csr drop_weak_edges(const Csr& g, double threshold) {
  Csr out;
  out.n = g.n;
  out.row_ptr.assign(g.n + 1, 0);
  for (int64_t r = 0; r < g.n; ++r) {
    for (int64_t e = g.row_ptr[r]; e < g.row_ptr[r + 1]; ++e) {
      if (g.val[e] < threshold) continue;
      out.col.push_back(g.col[e]);
      out.val.push_back(g.val[e]);
    }
    out.row_ptr[r + 1] = out.nnz();
  }
  return out;
}

int64_t count_components(const Csr& g) {
  std::vector<char> seen(g.n, 0);
  std::vector<int32_t> stack;
  int64_t components = 0;
  for (int64_t s = 0; s < g.n; ++s) {
    if (seen[s]) continue;
    ++components;
    seen[s] = 1;
    stack.assign(1, static_cast<int32_t>(s));
    while (!stack.empty()) {
      const int32_t r = stack.back();
      stack.pop_back();
      for (int64_t e = g.row_ptr[r]; e < g.row_ptr[r + 1]; ++e) {
        if (!seen[g.col[e]]) {
          seen[g.col[e]] = 1;
          stack.push_back(g.col[e]);
        }
      }
    }
  }
  return components;
}

}  // namespace acc::umap_detail
