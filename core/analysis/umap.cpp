// UMAP in the order umap-learn 0.5 runs it (see umap.h): fuzzy memberships from the given
// kNN, fuzzy union into one symmetric graph, pruning of edges too weak to be sampled, an
// initial layout (spectral, or PCA as asked or as the fallback), then sequential SGD.
// Apart from the PCA (torch matmuls) and the 32 x 32 eigh inside the spectral solver,
// everything is plain single-threaded loops in a fixed order, so equal inputs and seed give
// equal bytes.
//
// The file follows the pipeline in sections (graph, spectral solver, layouts, SGD); each
// could become its own file (umap_graph, umap_spectral, umap_sgd) if it grows.
#include "analysis/umap.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "analysis/pca.h"
#include "error.h"

namespace acc {

namespace {

// smooth_knn_dist's binary search for sigma, with umap-learn's constants.
constexpr int kSigmaIterations = 64;
constexpr double kSigmaTolerance = 1e-5;
constexpr double kMinKDistScale = 1e-3;
// Initial layouts are scaled so the largest |coordinate| is 10, then jittered by this much
// so that coincident points can separate (umap-learn's noisy_scale_coords).
constexpr double kInitMaxCoord = 10.0;
constexpr double kInitNoise = 1e-4;
// Spectral solver: Krylov basis size, the residual ||M y - theta y|| each wanted Ritz pair
// must reach (scipy's eigsh tolerance in umap-learn) and a budget of matrix-vector products
// after which we give up and fall back to PCA.
constexpr int64_t kSpectralBasis = 32;
constexpr double kSpectralTolerance = 1e-4;
constexpr int64_t kSpectralMaxMatvecs = 2000;
constexpr double kRepulsionEpsilon = 0.001;

// SplitMix64 (Steele, Lea & Flood 2014): one word of state and the same stream on every
// platform, unlike std:: distributions whose algorithms are implementation-defined.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)
  double normal() {  // Box-Muller
    const double radius = std::sqrt(-2.0 * std::log(1.0 - uniform()));
    return radius * std::cos(6.283185307179586 * uniform());
  }

 private:
  uint64_t state_;
};

// Symmetric sparse matrix. Columns within a row are increasing, so walking it row by row
// visits edges in the order of umap-learn's graph.tocoo(), which the SGD follows.
struct Csr {
  int64_t n = 0;
  std::vector<int64_t> row_ptr;
  std::vector<int32_t> col;
  std::vector<double> val;
  int64_t nnz() const { return static_cast<int64_t>(col.size()); }
};

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

// ---- 3. spectral initialisation ----
//
// umap-learn takes the eigenvectors 1..dim of the smallest eigenvalues of the normalised
// Laplacian L = I - D^-1/2 W D^-1/2 (eigsh, Lanczos). Equivalently we want the largest
// eigenvalues of M = D^-1/2 W D^-1/2 below the trivial 1, whose eigenvector sqrt(deg) we
// project out of every basis vector. The solver is thick-restart Lanczos with full
// reorthogonalisation (Wu & Simon 2000): grow a Krylov basis to kSpectralBasis vectors,
// Rayleigh-Ritz on V^T M V, keep the best half of the Ritz vectors and continue from the
// residual. kNN graphs have tightly clustered eigenvalues near 1, where power or subspace
// iteration needs thousands of steps; this needs a few hundred matrix-vector products.
// Plain loops in a fixed order rather than BLAS, so the result cannot depend on threads.

// Columns of an N x cap matrix stored row by row: V^T w and V c are one sequential sweep.
struct Basis {
  Basis(int64_t rows, int64_t capacity) : n(rows), cap(capacity), data(rows * capacity, 0.0) {}
  int64_t n, cap, cols = 0;
  std::vector<double> data;

  // Outputs go to caller-owned buffers: at N = 70,000 a fresh vector per call costs more
  // in page faults than the arithmetic.
  void append(const std::vector<double>& v) {
    for (int64_t r = 0; r < n; ++r) data[r * cap + cols] = v[r];
    ++cols;
  }
  void column(int64_t j, std::vector<double>& v) const {
    for (int64_t r = 0; r < n; ++r) v[r] = data[r * cap + j];
  }
  void transpose_times(const std::vector<double>& w, std::vector<double>& c) const {  // V^T w
    c.assign(cols, 0.0);
    for (int64_t r = 0; r < n; ++r) {
      const double* row = &data[r * cap];
      for (int64_t j = 0; j < cols; ++j) c[j] += row[j] * w[r];
    }
  }
  void subtract_times(const std::vector<double>& c, std::vector<double>& w) const {  // w -= V c
    for (int64_t r = 0; r < n; ++r) {
      const double* row = &data[r * cap];
      double s = 0;
      for (int64_t j = 0; j < cols; ++j) s += row[j] * c[j];
      w[r] -= s;
    }
  }
  // out = V S[:, picks]; s is cols x cols row-major.
  void times(const std::vector<double>& s, const std::vector<int64_t>& picks, Basis& out) const {
    out.cols = static_cast<int64_t>(picks.size());
    for (int64_t r = 0; r < n; ++r) {
      const double* row = &data[r * cap];
      double* dst = &out.data[r * cap];
      std::fill(dst, dst + out.cols, 0.0);
      for (int64_t i = 0; i < cols; ++i) {
        for (int64_t j = 0; j < out.cols; ++j) dst[j] += row[i] * s[i * cols + picks[j]];
      }
    }
  }
};

double dot(const std::vector<double>& x, const std::vector<double>& y) {
  double s = 0;
  for (size_t i = 0; i < x.size(); ++i) s += x[i] * y[i];
  return s;
}

struct SpectralSolution {
  std::vector<std::vector<double>> vectors;  // wanted eigenvectors, largest eigenvalue first
  std::vector<double> eigenvalues;           // of M (1 - eigenvalue of L)
  double residual = std::numeric_limits<double>::infinity();  // worst ||M y - theta y||
  int64_t matvecs = 0;
  bool converged = false;
};

SpectralSolution spectral_vectors(const Csr& g, int64_t nev) {
  const int64_t n = g.n;
  SpectralSolution out;
  // The trivial direction is excluded, so at most n - 1 basis vectors exist.
  const int64_t cap = std::min<int64_t>(kSpectralBasis, n - 1);
  const int64_t keep = std::max<int64_t>(nev + 1, cap / 2);
  if (cap <= keep) return out;  // too few points for a restarted Krylov method

  // M's entries and its trivial eigenvector sqrt(deg) / |sqrt(deg)|.
  std::vector<double> inv_sqrt_deg(n), trivial(n);
  for (int64_t r = 0; r < n; ++r) {
    double deg = 0;
    for (int64_t e = g.row_ptr[r]; e < g.row_ptr[r + 1]; ++e) deg += g.val[e];
    TORCH_CHECK(deg > 0, "spectral_vectors: isolated vertex ", r, " in a connected graph");
    inv_sqrt_deg[r] = 1.0 / std::sqrt(deg);
    trivial[r] = std::sqrt(deg);
  }
  const double trivial_norm = std::sqrt(dot(trivial, trivial));
  for (double& t : trivial) t /= trivial_norm;
  std::vector<double> m_val(g.val.size());
  for (int64_t r = 0; r < n; ++r) {
    for (int64_t e = g.row_ptr[r]; e < g.row_ptr[r + 1]; ++e) {
      m_val[e] = inv_sqrt_deg[r] * g.val[e] * inv_sqrt_deg[g.col[e]];
    }
  }
  const auto apply = [&](const std::vector<double>& x, std::vector<double>& y) {
    for (int64_t r = 0; r < n; ++r) {
      double s = 0;
      for (int64_t e = g.row_ptr[r]; e < g.row_ptr[r + 1]; ++e) s += m_val[e] * x[g.col[e]];
      y[r] = s;
    }
    ++out.matvecs;
  };

  Basis v(n, cap), mv(n, cap), ritz(n, cap), m_ritz(n, cap);  // V, M V and their restarts
  std::vector<double> coeffs, mv_new(n), y(n), r(n);
  std::vector<double> h(cap * cap, 0.0);      // V^T M V
  // A fixed pseudo-random start (umap-learn uses ones, which is nearly parallel to the
  // trivial vector when degrees are even): the spectral layout depends on the graph only.
  SplitMix64 start_rng(0x5eC7a1ULL);
  const auto random_vector = [&] {
    std::vector<double> x(n);
    for (double& e : x) e = start_rng.uniform() - 0.5;
    return x;
  };
  std::vector<double> next = random_vector();
  bool have_coeffs = false;  // coeffs already holds V^T next (it does after an expansion)

  while (true) {
    // Orthogonalise twice against the trivial vector and the basis: once loses
    // orthogonality in floating point as directions converge ("twice is enough").
    for (int pass = 0; pass < 2; ++pass) {
      const double t = dot(trivial, next);
      for (int64_t r = 0; r < n; ++r) next[r] -= t * trivial[r];
      if (pass > 0 || !have_coeffs) v.transpose_times(next, coeffs);
      v.subtract_times(coeffs, next);
    }
    have_coeffs = false;
    const double norm = std::sqrt(dot(next, next));
    if (!(norm > 1e-10)) {  // invariant subspace reached: continue from a fresh direction
      next = random_vector();
      continue;
    }
    for (double& x : next) x /= norm;
    const int64_t m = v.cols;
    v.append(next);
    apply(next, mv_new);
    mv.append(mv_new);
    v.transpose_times(mv_new, coeffs);
    for (int64_t i = 0; i <= m; ++i) h[i * cap + m] = h[m * cap + i] = coeffs[i];
    if (v.cols < cap) {
      next.swap(mv_new);  // Krylov expansion; V^T next is the column just computed
      have_coeffs = true;
      continue;
    }

    // Rayleigh-Ritz on the full basis; eigh sorts ascending, we want the largest.
    const auto [theta_t, s_t] =
        torch::linalg::eigh(torch::from_blob(h.data(), {cap, cap}, torch::kFloat64), "L");
    const auto theta_c = theta_t.contiguous();
    const auto s_c = s_t.contiguous();
    const std::vector<double> s(s_c.data_ptr<double>(), s_c.data_ptr<double>() + cap * cap);
    std::vector<int64_t> picks(keep);
    std::vector<double> theta(keep);
    for (int64_t j = 0; j < keep; ++j) {
      picks[j] = cap - 1 - j;
      theta[j] = theta_c.data_ptr<double>()[picks[j]];
    }
    v.times(s, picks, ritz);
    mv.times(s, picks, m_ritz);
    // Residuals of the wanted pairs; all are parallel to the next Krylov direction in exact
    // arithmetic, so the worst one is where the basis continues.
    out.residual = 0;
    for (int64_t j = 0; j < nev; ++j) {
      m_ritz.column(j, r);
      ritz.column(j, y);
      for (int64_t i = 0; i < n; ++i) r[i] -= theta[j] * y[i];
      const double rn = std::sqrt(dot(r, r));
      if (rn >= out.residual) {
        out.residual = rn;
        next = r;
      }
    }
    out.converged = out.residual <= kSpectralTolerance;
    if (out.converged || out.matvecs >= kSpectralMaxMatvecs) {
      out.vectors.assign(nev, std::vector<double>(n));
      for (int64_t j = 0; j < nev; ++j) {
        // Eigenvector signs are arbitrary: make each one's largest |entry| positive.
        std::vector<double>& y_j = out.vectors[j];
        ritz.column(j, y_j);
        const auto big = std::max_element(y_j.begin(), y_j.end(), [](double p, double q) {
          return std::fabs(p) < std::fabs(q);
        });
        if (*big < 0) {
          for (double& e : y_j) e = -e;
        }
      }
      out.eigenvalues.assign(theta.begin(), theta.begin() + nev);
      return out;
    }
    // Thick restart: the kept Ritz vectors diagonalise V^T M V exactly.
    std::swap(v, ritz);
    std::swap(mv, m_ritz);
    std::fill(h.begin(), h.end(), 0.0);
    for (int64_t j = 0; j < keep; ++j) h[j * cap + j] = theta[j];
  }
}

// ---- initial layouts ----

// [N, dim] row-major float64 coordinates from the top principal components of the data;
// components beyond the data's width stay 0 (the jitter then spreads them).
std::vector<double> pca_layout(const torch::Tensor& data, int64_t dim) {
  const int64_t n = data.size(0);
  const int64_t k = std::min<int64_t>(dim, data.size(1));
  const auto coords = pca_transform(pca_fit(data, k), data).to(torch::kFloat64).contiguous();
  const double* c = coords.data_ptr<double>();
  std::vector<double> out(n * dim, 0.0);
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t d = 0; d < k; ++d) out[i * dim + d] = c[i * k + d];
  }
  return out;
}

// umap-learn's treatment of every initial layout: scale so max |coordinate| = 10, add
// N(0, 1e-4) jitter in float32, then map each axis affinely onto [0, 10].
std::vector<float> finish_layout(const std::vector<double>& coords, int64_t n, int64_t dim,
                                 SplitMix64& rng) {
  double max_abs = 0;
  for (double c : coords) max_abs = std::max(max_abs, std::fabs(c));
  const double expansion = max_abs > 0 ? kInitMaxCoord / max_abs : 1.0;
  std::vector<float> emb(n * dim);
  for (int64_t i = 0; i < n * dim; ++i) {
    emb[i] = static_cast<float>(coords[i] * expansion) + static_cast<float>(kInitNoise * rng.normal());
  }
  for (int64_t d = 0; d < dim; ++d) {
    float lo = emb[d], hi = emb[d];
    for (int64_t i = 0; i < n; ++i) {
      lo = std::min(lo, emb[i * dim + d]);
      hi = std::max(hi, emb[i * dim + d]);
    }
    const float range = hi > lo ? hi - lo : 1.0f;
    for (int64_t i = 0; i < n; ++i) emb[i * dim + d] = 10.0f * (emb[i * dim + d] - lo) / range;
  }
  return emb;
}

// ---- 4. SGD layout (optimize_layout_euclidean, move_other = true) ----

// umap-learn's two gradient coefficients as functions of the squared distance d2 > 0:
//   attract(d2) = -2ab d2^(b-1) / (1 + a d2^b),   repel(d2) = 2 gamma b / ((0.001 + d2)(1 + a d2^b)).
// The SGD is one long dependency chain (each negative sample moves the point the next one
// reads), and pow + a division on that chain cost ~100 ns per sample on our machines. So
// both are tabulated once per run over the float bit pattern of d2, 128 segments per
// octave on [2^-16, 2^16) with linear interpolation (relative error < 1e-4, far below the
// SGD's own noise); outside that range the exact formula runs.
class GradientCoefficients {
 public:
  GradientCoefficients(double a, double b, double gamma) : a_(a), b_(b), gamma_(gamma) {
    const size_t segments = static_cast<size_t>(kMaxExp - kMinExp) << kSegmentBits;
    attract_.resize(segments);
    repel_.resize(segments);
    for (size_t i = 0; i < segments; ++i) {
      const double lo = float_at(kLowBits + (static_cast<uint32_t>(i) << kFracBits));
      const double hi = float_at(kLowBits + (static_cast<uint32_t>(i + 1) << kFracBits));
      attract_[i] = {exact_attract(lo), exact_attract(hi) - exact_attract(lo)};
      repel_[i] = {exact_repel(lo), exact_repel(hi) - exact_repel(lo)};
    }
  }
  float attract(float d2) const { return lookup(attract_, d2, [&](double x) { return exact_attract(x); }); }
  float repel(float d2) const { return lookup(repel_, d2, [&](double x) { return exact_repel(x); }); }

 private:
  static constexpr int kSegmentBits = 7, kMinExp = -16, kMaxExp = 16;
  static constexpr int kFracBits = 23 - kSegmentBits;  // mantissa bits interpolated over
  static constexpr uint32_t kLowBits = static_cast<uint32_t>(kMinExp + 127) << 23;
  static constexpr uint32_t kHighBits = static_cast<uint32_t>(kMaxExp + 127) << 23;
  struct Segment {
    float value, step;  // f at the segment start, f(end) - f(start)
  };
  static float float_at(uint32_t bits) {
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
  }
  float exact_attract(double d2) const {
    const double pb = std::pow(d2, b_);
    return static_cast<float>(-2.0 * a_ * b_ * (pb / d2) / (a_ * pb + 1.0));
  }
  float exact_repel(double d2) const {
    return static_cast<float>(2.0 * gamma_ * b_ / ((kRepulsionEpsilon + d2) * (a_ * std::pow(d2, b_) + 1.0)));
  }
  template <typename Exact>
  static float lookup(const std::vector<Segment>& table, float d2, Exact exact) {
    uint32_t bits;
    std::memcpy(&bits, &d2, sizeof bits);
    if (bits < kLowBits || bits >= kHighBits) return exact(d2);
    const uint32_t offset = bits - kLowBits;
    const Segment& s = table[offset >> kFracBits];
    const float frac = static_cast<float>(offset & ((1u << kFracBits) - 1)) * (1.0f / (1u << kFracBits));
    return s.value + frac * s.step;
  }
  double a_, b_, gamma_;
  std::vector<Segment> attract_, repel_;
};

// Each edge is sampled every max_weight / w epochs; at each sample its endpoints attract
// and the head is pushed away from negative_sample_rate uniformly drawn vertices. The
// schedule, the clip at 4, the 0.001 in the repulsion and the "grad 4 when two points
// coincide" quirk are umap-learn's; the arithmetic is float32 like the embedding.
template <int Dim>
void optimize_layout(std::vector<float>& emb, int64_t n, const Csr& g, const UmapParams& p,
                     double a, double b, int64_t n_epochs, SplitMix64& rng) {
  double max_w = 0;
  for (double w : g.val) max_w = std::max(max_w, w);
  const size_t n_edges = g.col.size();
  const double neg_rate = static_cast<double>(std::max<int64_t>(1, p.negative_sample_rate));
  std::vector<int32_t> head(n_edges);
  std::vector<double> period(n_edges), next(n_edges), neg_period(n_edges), neg_next(n_edges);
  for (int64_t r = 0; r < n; ++r) {
    for (int64_t e = g.row_ptr[r]; e < g.row_ptr[r + 1]; ++e) {
      head[e] = static_cast<int32_t>(r);
      next[e] = period[e] = max_w / g.val[e];
      neg_next[e] = neg_period[e] = period[e] / neg_rate;
    }
  }
  const int32_t* tail = g.col.data();
  const bool negatives = p.negative_sample_rate > 0;
  const GradientCoefficients coefficients(a, b, p.repulsion_strength);
  const auto clip = [](float v) { return std::min(4.0f, std::max(-4.0f, v)); };
  // Uniform vertex from the top 32 random bits by multiply-shift (Lemire 2019): no 64-bit
  // division in the loop.
  const uint64_t n_vertices = static_cast<uint64_t>(n);
  const auto random_vertex = [&] { return ((rng.next() >> 32) * n_vertices) >> 32; };

  float* x = emb.data();
  float alpha = static_cast<float>(p.learning_rate);
  for (int64_t epoch = 0; epoch < n_epochs; ++epoch) {
    const double now = static_cast<double>(epoch);
    for (size_t e = 0; e < n_edges; ++e) {
      if (next[e] > now) continue;
      float* cur = x + static_cast<int64_t>(head[e]) * Dim;
      float* other = x + static_cast<int64_t>(tail[e]) * Dim;
      float diff[Dim], d2 = 0;
      for (int d = 0; d < Dim; ++d) {
        diff[d] = cur[d] - other[d];
        d2 += diff[d] * diff[d];
      }
      const float attract = d2 > 0 ? coefficients.attract(d2) : 0.0f;
      for (int d = 0; d < Dim; ++d) {
        const float step = clip(attract * diff[d]) * alpha;
        cur[d] += step;
        other[d] -= step;
      }
      next[e] += period[e];
      if (!negatives) continue;

      // The head moves through the negative samples in registers: no draw can alias it, as
      // a draw of the head itself is skipped (umap-learn skips it too, at distance 0).
      float c[Dim];
      for (int d = 0; d < Dim; ++d) c[d] = cur[d];
      const auto n_neg = static_cast<int64_t>((now - neg_next[e]) / neg_period[e]);
      for (int64_t s = 0; s < n_neg; ++s) {
        const uint64_t k = random_vertex();
        if (k == static_cast<uint64_t>(head[e])) continue;
        other = x + k * Dim;
        d2 = 0;
        for (int d = 0; d < Dim; ++d) {
          diff[d] = c[d] - other[d];
          d2 += diff[d] * diff[d];
        }
        if (d2 > 0) {
          const float repel = coefficients.repel(d2);
          for (int d = 0; d < Dim; ++d) c[d] += clip(repel * diff[d]) * alpha;
        } else {
          for (int d = 0; d < Dim; ++d) c[d] += 4.0f * alpha;  // coincident points
        }
      }
      for (int d = 0; d < Dim; ++d) cur[d] = c[d];
      neg_next[e] += static_cast<double>(n_neg) * neg_period[e];
    }
    alpha = static_cast<float>(p.learning_rate * (1.0 - now / static_cast<double>(n_epochs)));
  }
}

void check_params(const UmapParams& p) {
  const auto fail = [](const std::string& field, const std::string& problem) {
    throw Error("umap: field '" + field + "' " + problem);
  };
  if (p.n_components != 2 && p.n_components != 3) {
    fail("n_components", "must be 2 or 3, got " + std::to_string(p.n_components));
  }
  if (p.n_neighbors < 1) fail("n_neighbors", "must be at least 1");
  if (!(p.spread > 0)) fail("spread", "must be positive");
  if (!(p.min_dist >= 0 && p.min_dist <= p.spread)) {
    fail("min_dist", "must be in [0, spread]");
  }
  if (p.n_epochs < 0) fail("n_epochs", "must be >= 0 (0 = automatic)");
  if (!(p.learning_rate > 0)) fail("learning_rate", "must be positive");
  if (p.negative_sample_rate < 0) fail("negative_sample_rate", "must be >= 0");
  if (!(p.repulsion_strength >= 0)) fail("repulsion_strength", "must be >= 0");
  if (p.init != "spectral" && p.init != "pca") {
    fail("init", "must be \"spectral\" or \"pca\", got \"" + p.init + "\"");
  }
}

// Tensor contracts: these come from acc's own kNN code, so a mismatch is a bug (TORCH_CHECK),
// unlike a parameter out of range (acc::Error, in check_params).
void check_inputs(const torch::Tensor& data, const torch::Tensor& idx, const torch::Tensor& dist,
                  const UmapParams& params) {
  check_params(params);
  TORCH_CHECK(data.dim() == 2 && data.scalar_type() == torch::kFloat32,
              "umap_embed: data must be float32 [N, D], got ", data.scalar_type(), " ", data.sizes());
  const int64_t n = data.size(0);
  const int64_t k = params.n_neighbors;
  TORCH_CHECK(n < std::numeric_limits<int32_t>::max(), "umap_embed: too many points: ", n);
  TORCH_CHECK(idx.dim() == 2 && idx.scalar_type() == torch::kInt64 && idx.size(0) == n,
              "umap_embed: knn_indices must be int64 [N, k] with N = ", n, ", got ",
              idx.scalar_type(), " ", idx.sizes());
  TORCH_CHECK(idx.size(1) == k, "umap_embed: the kNN has ", idx.size(1),
              " neighbours per point but n_neighbors = ", k);
  TORCH_CHECK(dist.scalar_type() == torch::kFloat32 && dist.sizes() == idx.sizes(),
              "umap_embed: knn_distances must be float32 ", idx.sizes(), ", got ",
              dist.scalar_type(), " ", dist.sizes());
  TORCH_CHECK(n > k, "umap_embed: need more points than neighbours, got N = ", n, ", k = ", k);
  TORCH_CHECK((dist >= 0).all().item<bool>() && torch::isfinite(dist).all().item<bool>(),
              "umap_embed: knn_distances must be finite and >= 0");
}

// The initial layout, [N, dim] row-major: spectral when asked and possible, else PCA. What
// ran, and why a spectral request fell back, goes into `info`.
std::vector<double> initial_coords(const torch::Tensor& data, const Csr& graph,
                                   const UmapParams& params, nlohmann::json& info) {
  const int64_t n = graph.n, dim = params.n_components;
  std::string init = params.init;
  std::vector<double> coords;
  if (init == "spectral") {
    // umap-learn lays out each component separately and arranges them by their centroids;
    // we take the simpler PCA of the data instead (Kobak & Linderman 2021 find PCA and
    // spectral initialisations preserve global structure about equally well).
    const int64_t components = count_components(graph);
    info["graph_components"] = components;
    if (components > 1) {
      info["init_fallback_reason"] =
          "the kNN graph has " + std::to_string(components) + " connected components";
    } else {
      const SpectralSolution sol = spectral_vectors(graph, dim);
      info["spectral_matvecs"] = sol.matvecs;
      info["spectral_residual"] = sol.residual;
      std::vector<double> laplacian_eigenvalues;
      for (double theta : sol.eigenvalues) laplacian_eigenvalues.push_back(1.0 - theta);
      info["spectral_laplacian_eigenvalues"] = laplacian_eigenvalues;
      if (sol.converged) {
        coords.assign(n * dim, 0.0);
        for (int64_t d = 0; d < dim; ++d) {
          for (int64_t i = 0; i < n; ++i) coords[i * dim + d] = sol.vectors[d][i];
        }
      } else {
        info["init_fallback_reason"] = sol.matvecs == 0
            ? std::string("too few points for the spectral solver")
            : "the eigensolver did not converge (residual " + std::to_string(sol.residual) +
                  " after " + std::to_string(sol.matvecs) + " matrix-vector products)";
      }
    }
    if (coords.empty()) init = "pca";
  }
  if (init == "pca") coords = pca_layout(data, dim);
  info["init"] = init;
  return coords;
}

}  // namespace

std::pair<double, double> umap_find_ab(double spread, double min_dist) {
  if (!(spread > 0) || !(min_dist >= 0 && min_dist <= spread)) {
    throw Error("umap: need spread > 0 and 0 <= min_dist <= spread");
  }
  // Levenberg-Marquardt from (1, 1) like curve_fit; the problem is smooth and 2-D, so
  // analytic derivatives and a simple damping schedule converge to the same minimum.
  constexpr int kPoints = 300;
  std::vector<double> xs(kPoints), ys(kPoints);
  for (int i = 0; i < kPoints; ++i) {
    xs[i] = 3.0 * spread * i / (kPoints - 1);
    ys[i] = xs[i] < min_dist ? 1.0 : std::exp(-(xs[i] - min_dist) / spread);
  }
  const auto cost = [&](double a, double b) {
    double c = 0;
    for (int i = 0; i < kPoints; ++i) {
      const double r = 1.0 / (1.0 + a * std::pow(xs[i], 2 * b)) - ys[i];
      c += r * r;
    }
    return c;
  };
  double a = 1, b = 1, lambda = 1e-3, current = cost(a, b);
  for (int iter = 0; iter < 1000 && lambda < 1e20; ++iter) {
    double jaa = 0, jab = 0, jbb = 0, ga = 0, gb = 0;  // J^T J and J^T r
    for (int i = 0; i < kPoints; ++i) {
      const double x2b = std::pow(xs[i], 2 * b);
      const double f = 1.0 / (1.0 + a * x2b);
      const double da = -x2b * f * f;
      const double db = xs[i] > 0 ? -a * x2b * 2.0 * std::log(xs[i]) * f * f : 0.0;
      const double r = f - ys[i];
      jaa += da * da, jab += da * db, jbb += db * db, ga += da * r, gb += db * r;
    }
    const double maa = jaa * (1 + lambda), mbb = jbb * (1 + lambda);
    const double det = maa * mbb - jab * jab;
    const double step_a = -(mbb * ga - jab * gb) / det;
    const double step_b = -(maa * gb - jab * ga) / det;
    const double na = a + step_a, nb = b + step_b;
    const double trial = (na > 0 && nb > 0 && std::isfinite(det)) ? cost(na, nb) : std::numeric_limits<double>::infinity();
    if (trial < current) {
      const bool settled = std::fabs(step_a) <= 1e-12 * (1 + a) && std::fabs(step_b) <= 1e-12 * (1 + b);
      a = na, b = nb, current = trial, lambda /= 10;
      if (settled) break;
    } else {
      lambda *= 10;
    }
  }
  TORCH_CHECK(std::isfinite(a) && std::isfinite(b) && a > 0 && b > 0,
              "umap_find_ab: fit failed for spread ", spread, ", min_dist ", min_dist);
  return {a, b};
}

UmapResult umap_embed(const torch::Tensor& data, const torch::Tensor& knn_indices,
                      const torch::Tensor& knn_distances, const UmapParams& params) {
  check_inputs(data, knn_indices, knn_distances, params);
  const int64_t n = data.size(0);
  const int64_t k = params.n_neighbors;
  const int64_t dim = params.n_components;
  const auto idx = knn_indices.contiguous();
  const auto dist = knn_distances.contiguous();
  const int64_t default_epochs = n <= 10000 ? 500 : 200;
  const int64_t n_epochs = params.n_epochs > 0 ? params.n_epochs : default_epochs;
  const auto [a, b] = umap_find_ab(params.spread, params.min_dist);

  Csr graph = fuzzy_union(idx.data_ptr<int64_t>(), fuzzy_memberships(dist.data_ptr<float>(), n, k), n, k);
  double max_w = 0;
  for (double v : graph.val) max_w = std::max(max_w, v);
  // Like umap-learn: a short run still prunes as if it were a default-length one.
  graph = drop_weak_edges(graph, max_w / static_cast<double>(n_epochs > 10 ? n_epochs : default_epochs));

  nlohmann::json info = {
      {"n_components", dim},           {"n_neighbors", k},
      {"min_dist", params.min_dist},   {"spread", params.spread},
      {"a", a},                        {"b", b},
      {"n_epochs", n_epochs},          {"n_epochs_requested", params.n_epochs},
      {"learning_rate", params.learning_rate},
      {"negative_sample_rate", params.negative_sample_rate},
      {"repulsion_strength", params.repulsion_strength},
      {"init_requested", params.init}, {"seed", params.seed},
      {"n_points", n},                 {"n_edges", graph.nnz()},
  };
  const std::vector<double> coords = initial_coords(data, graph, params, info);

  SplitMix64 rng(params.seed);
  std::vector<float> emb = finish_layout(coords, n, dim, rng);
  if (dim == 2) {
    optimize_layout<2>(emb, n, graph, params, a, b, n_epochs, rng);
  } else {
    optimize_layout<3>(emb, n, graph, params, a, b, n_epochs, rng);
  }

  UmapResult result;
  result.embedding = torch::from_blob(emb.data(), {n, dim}, torch::kFloat32).clone();
  result.a = a;
  result.b = b;
  result.params = std::move(info);
  return result;
}

}  // namespace acc
