// PCA by eigendecomposition of the float64 covariance; see pca.h for why this route.
#include "analysis/pca.h"

#include <algorithm>

#include "error.h"

namespace acc {

namespace {

// Rows per float64 slab: ~1 MB temporaries (malloc recycles them; multi-MB ones are mapped
// fresh each time and page faults then dominate), at least 64 rows so the products stay
// efficient at D = 1024.
int64_t rows_per_slab(int64_t d) { return std::max<int64_t>(64, (int64_t{1} << 20) / (8 * d)); }

}  // namespace

Pca pca_fit(const torch::Tensor& x, int64_t k) {
  TORCH_CHECK(x.dim() == 2, "pca_fit: expected [N, D], got ", x.sizes());
  const int64_t n = x.size(0);
  const int64_t d = x.size(1);
  TORCH_CHECK(n >= 2, "pca_fit: need at least 2 points, got ", n);
  TORCH_CHECK(k >= 1 && k <= d, "pca_fit: k must be in [1, ", d, "], got ", k);
  TORCH_CHECK(x.is_floating_point(), "pca_fit: expected floating-point data");
  if (!torch::isfinite(x).all().item<bool>())
    throw Error("pca_fit: the points contain NaN or Inf (did the model diverge?)",
                ExitCode::kFailure);

  // Centre with the float64 mean before accumulating: the one-pass sum(x x^T) - n m m^T form
  // loses the small directions to cancellation when the mean is large.
  const int64_t slab_rows = rows_per_slab(d);
  const auto slab_of = [&](int64_t start) {
    return x.narrow(0, start, std::min(slab_rows, n - start)).to(torch::kFloat64);
  };
  auto sum = torch::zeros({d}, torch::kFloat64);
  for (int64_t start = 0; start < n; start += slab_rows) sum += slab_of(start).sum(0);
  const auto mean = sum / static_cast<double>(n);
  auto scatter = torch::zeros({d, d}, torch::kFloat64);
  for (int64_t start = 0; start < n; start += slab_rows) {
    const auto slab = slab_of(start) - mean;
    scatter.addmm_(slab.t(), slab);
  }
  const auto cov = scatter / static_cast<double>(n - 1);

  // eigh returns ascending eigenvalues; take the top k, largest first. Rounding can leave
  // tiny negative eigenvalues in a rank-deficient covariance: they are variances, so clamp.
  auto [eigenvalues, eigenvectors] = torch::linalg::eigh(cov, "L");
  const auto order = torch::arange(d - 1, d - 1 - k, -1, torch::kLong);
  const auto variance = eigenvalues.index_select(0, order).clamp_min(0.0);
  auto components = eigenvectors.index_select(1, order).t().contiguous();  // [k, D]

  const auto largest = components.abs().argmax(1, /*keepdim=*/true);
  const auto sign = torch::where(components.gather(1, largest) < 0, -1.0, 1.0);
  components = components * sign;

  const double total = cov.trace().item<double>();
  const auto ratio = total > 0 ? variance / total : torch::zeros_like(variance);

  Pca pca;
  pca.mean = mean.to(torch::kFloat32);
  pca.components = components.to(torch::kFloat32);
  pca.explained_variance = variance.to(torch::kFloat32);
  pca.explained_variance_ratio = ratio.to(torch::kFloat32);
  return pca;
}

torch::Tensor pca_transform(const Pca& pca, const torch::Tensor& x) {
  TORCH_CHECK(x.dim() == 2 && x.size(1) == pca.components.size(1),
              "pca_transform: expected [M, ", pca.components.size(1), "], got ", x.sizes());
  const int64_t m = x.size(0);
  const auto mean = pca.mean.to(torch::kFloat64);
  const auto basis = pca.components.to(torch::kFloat64).t();  // [D, k]
  auto out = torch::empty({m, pca.components.size(0)}, torch::kFloat32);
  const int64_t slab_rows = rows_per_slab(pca.components.size(1));
  for (int64_t start = 0; start < m; start += slab_rows) {
    const int64_t rows = std::min(slab_rows, m - start);
    const auto slab = x.narrow(0, start, rows).to(torch::kFloat64) - mean;
    out.narrow(0, start, rows).copy_(slab.mm(basis));
  }
  return out;
}

}  // namespace acc
