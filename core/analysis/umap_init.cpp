// UMAP's initial layout (see umap_init.h): the spectral solver, the PCA layout, the choice
// between them and the finishing scale + jitter. Apart from the PCA (torch matmuls) and the
// 32 x 32 eigh inside the spectral solver, plain single-threaded loops in a fixed order.
#include "analysis/umap_init.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "analysis/pca.h"

namespace acc::umap_detail {

namespace {

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

}  // namespace

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

}  // namespace acc::umap_detail
