// Tests for the latent-geometry pieces in core/analysis: PCA, exact kNN, trustworthiness and
// the density / distortion grids. Each is checked on data whose answer is known (known
// principal axes, an isometry, a uniform scaling) and against a plain O(N^2) reference
// written here, with explicit tolerances; determinism is checked bitwise.
//
// How to add a case: the brute-force references (reference_knn, reference_trustworthiness)
// take any points, so a new data shape is one more call in the matching test.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "analysis/grid2d.h"
#include "analysis/knn.h"
#include "analysis/pca.h"
#include "analysis/trustworthiness.h"

namespace acc {
namespace {

torch::Generator geometry_generator(uint64_t seed) { return at::detail::createCPUGenerator(seed); }

torch::Tensor randn(std::vector<int64_t> shape, uint64_t seed) {
  return torch::randn(shape, geometry_generator(seed), torch::kFloat32);
}

// Squared distances in float64 straight from the definition, [N, N]. Plain loops: an
// [N, N, D] broadcast would allocate tens of MB, and faulting those pages in costs more
// than the arithmetic.
torch::Tensor pairwise_sq(const torch::Tensor& x) {
  const auto p = x.to(torch::kFloat64).contiguous();
  const auto a = p.accessor<double, 2>();
  const int64_t n = p.size(0);
  auto out = torch::empty({n, n}, torch::kFloat64);
  auto o = out.accessor<double, 2>();
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double sum = 0;
      for (int64_t c = 0; c < p.size(1); ++c) sum += (a[i][c] - a[j][c]) * (a[i][c] - a[j][c]);
      o[i][j] = sum;
    }
  return out;
}

// Row-wise order of the points by (distance, index), self last: the order exact_knn promises.
torch::Tensor reference_order(const torch::Tensor& x) {
  const int64_t n = x.size(0);
  const auto d2 = pairwise_sq(x);
  const auto dist = d2.accessor<double, 2>();
  auto order = torch::empty({n, n}, torch::kInt64);
  auto out = order.accessor<int64_t, 2>();
  std::vector<std::pair<double, int64_t>> row(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j < n; ++j)
      row[j] = {j == i ? std::numeric_limits<double>::infinity() : dist[i][j], j};
    std::sort(row.begin(), row.end());
    for (int64_t j = 0; j < n; ++j) out[i][j] = row[j].second;
  }
  return order;
}

// The textbook formula with full rank matrices: O(N^2) memory, fine for a few hundred points.
double reference_trustworthiness(const torch::Tensor& x, const torch::Tensor& y, int64_t k) {
  const int64_t n = x.size(0);
  const auto order_x = reference_order(x);
  const auto order_y = reference_order(y).narrow(1, 0, k).contiguous();
  // rank[i, j], 1-based; self sorts last (infinite distance) and is never asked for.
  auto rank = torch::empty({n, n}, torch::kInt64);
  rank.scatter_(1, order_x, torch::arange(1, n + 1, torch::kInt64).expand({n, n}).contiguous());
  const auto ranks = rank.accessor<int64_t, 2>();
  const auto embedded = order_y.accessor<int64_t, 2>();
  double sum = 0;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t c = 0; c < k; ++c) {
      const int64_t r = ranks[i][embedded[i][c]];
      if (r > k) sum += static_cast<double>(r - k);
    }
  const double nd = static_cast<double>(n), kd = static_cast<double>(k);
  return 1.0 - sum * 2.0 / (nd * kd * (2.0 * nd - 3.0 * kd - 1.0));
}

// ---------------------------------------------------------------------------------- PCA

struct KnownAxes {
  torch::Tensor x;     // [N, 4]
  torch::Tensor axes;  // [4, 4], row m = m-th principal axis
};

// Anisotropic Gaussian with stds 5, 2, 1, 0.1 along the rows of a fixed orthogonal matrix,
// shifted away from the origin so centring matters.
KnownAxes known_axes(int64_t n) {
  const auto q = std::get<0>(torch::linalg::qr(randn({4, 4}, 1).to(torch::kFloat64)));
  const auto stds = torch::tensor({5.0, 2.0, 1.0, 0.1}, torch::kFloat64);
  const auto z = randn({n, 4}, 2).to(torch::kFloat64) * stds;
  const auto offset = torch::tensor({10.0, -3.0, 2.0, 7.0}, torch::kFloat64);
  return {(z.mm(q.t()) + offset).to(torch::kFloat32), q.t().to(torch::kFloat32)};
}

TEST(Pca, RecoversKnownAxesAndVarianceShares) {
  const auto data = known_axes(4000);
  const auto pca = pca_fit(data.x, 4);
  const std::vector<double> expected = {25.0 / 30.01, 4.0 / 30.01, 1.0 / 30.01, 0.01 / 30.01};
  for (int64_t m = 0; m < 4; ++m) {
    const double ratio = pca.explained_variance_ratio[m].item<double>();
    EXPECT_NEAR(ratio, expected[m], 0.1 * expected[m]) << "component " << m;
    const double cosine = pca.components[m].dot(data.axes[m]).item<double>();
    EXPECT_GT(std::abs(cosine), 0.99) << "component " << m;
  }
  EXPECT_NEAR(pca.explained_variance_ratio.sum().item<double>(), 1.0, 1e-5);
  const auto gram = pca.components.mm(pca.components.t());
  EXPECT_TRUE(torch::allclose(gram, torch::eye(4), /*rtol=*/0, /*atol=*/1e-5));
}

TEST(Pca, TransformOfMeanIsZeroAndSignsAreFixed) {
  const auto data = known_axes(1000);
  const auto pca = pca_fit(data.x, 3);
  ASSERT_EQ(pca.components.sizes(), (torch::IntArrayRef{3, 4}));
  const auto at_mean = pca_transform(pca, pca.mean.unsqueeze(0));
  EXPECT_EQ(at_mean.abs().max().item<float>(), 0.0f);
  for (int64_t m = 0; m < 3; ++m) {
    const auto row = pca.components[m];
    EXPECT_GT(row[row.abs().argmax()].item<float>(), 0.0f) << "component " << m;
  }
  // The projection's variances are the explained variances.
  const auto projected = pca_transform(pca, data.x).to(torch::kFloat64);
  EXPECT_TRUE(torch::allclose(projected.var(0), pca.explained_variance.to(torch::kFloat64), 1e-4));
}

TEST(Pca, IsDeterministicAndPrefixStable) {
  const auto data = known_axes(2000);
  const auto a = pca_fit(data.x, 4);
  const auto b = pca_fit(data.x, 4);
  EXPECT_TRUE(torch::equal(a.components, b.components));
  EXPECT_TRUE(torch::equal(a.explained_variance_ratio, b.explained_variance_ratio));
  const auto two = pca_fit(data.x, 2);
  EXPECT_TRUE(torch::allclose(two.components, a.components.narrow(0, 0, 2), 0, 1e-6));
}

TEST(Pca, ConstantDataHasZeroRatiosNotNaN) {
  const auto pca = pca_fit(torch::ones({10, 3}), 2);
  EXPECT_EQ(pca.explained_variance_ratio.abs().sum().item<float>(), 0.0f);
}

// ---------------------------------------------------------------------------------- kNN

void expect_matches_reference(const torch::Tensor& x, int64_t k, int64_t chunk_rows) {
  const auto knn = exact_knn(x, k, chunk_rows);
  const auto order = reference_order(x).narrow(1, 0, k);
  ASSERT_TRUE(torch::equal(knn.indices, order)) << "chunk_rows " << chunk_rows;
  const auto reference = pairwise_sq(x).gather(1, order).sqrt();
  EXPECT_LT((knn.distances.to(torch::kFloat64) - reference).abs().max().item<double>(), 1e-5);
  const auto self = torch::arange(x.size(0), torch::kInt64).unsqueeze(1);
  EXPECT_FALSE((knn.indices == self).any().item<bool>());
}

TEST(Knn, MatchesBruteForceOnRandomPoints) {
  const auto x = randn({300, 8}, 3);
  expect_matches_reference(x, 5, /*chunk_rows=*/0);
  expect_matches_reference(x, 5, /*chunk_rows=*/7);  // many chunks and a ragged last one
  expect_matches_reference(randn({12, 3}, 19), 11, 5);  // k = N - 1: every point a candidate
}

TEST(Knn, BreaksTiesByLowerIndex) {
  // Integer grid points: distances are exact in any arithmetic and ties are everywhere.
  const auto g = torch::arange(10, torch::kFloat32);
  const auto grid = torch::stack({g.repeat_interleave(10), g.repeat({10})}, 1);
  expect_matches_reference(grid, 4, 0);
  // Far more duplicates than spare candidates: the exact fallback path must give the same.
  const auto duplicated = torch::cat({torch::zeros({40, 3}), randn({60, 3}, 4)});
  expect_matches_reference(duplicated, 6, 9);
}

TEST(Knn, IsDeterministicAcrossChunking) {
  const auto x = randn({500, 16}, 5) + 100.0;  // far from the origin: centring must hold up
  const auto a = exact_knn(x, 10, 0);
  const auto b = exact_knn(x, 10, 33);
  EXPECT_TRUE(torch::equal(a.indices, b.indices));
  EXPECT_TRUE(torch::equal(a.distances, b.distances));
  expect_matches_reference(x, 10, 0);
}

// ------------------------------------------------------------------------ trustworthiness

TEST(Trustworthiness, IdentityAndIsometryScoreOne) {
  const auto x = randn({200, 5}, 6);
  EXPECT_EQ(trustworthiness(x, x, 5), 1.0);
  const auto q = std::get<0>(torch::linalg::qr(randn({5, 5}, 7)));
  EXPECT_EQ(trustworthiness(x, x.mm(q) + 3.0, 5), 1.0);
}

TEST(Trustworthiness, RandomLayoutScoresLow) {
  const auto x = randn({300, 5}, 8);
  const auto shuffled = x.index_select(0, torch::randperm(300, geometry_generator(9), torch::kInt64));
  EXPECT_LT(trustworthiness(x, shuffled.narrow(1, 0, 2), 5), 0.7);
}

TEST(Trustworthiness, MatchesBruteForceReference) {
  const auto x = randn({200, 6}, 10);
  const auto y = x.narrow(1, 0, 2).contiguous();  // drop 4 dimensions: neighbours get invented
  for (const int64_t k : {1, 5, 12}) {
    const double expected = reference_trustworthiness(x, y, k);
    EXPECT_NEAR(trustworthiness(x, y, k), expected, 1e-9) << "k " << k;
    const auto ox = exact_knn(x, k + 3), oy = exact_knn(y, k);
    EXPECT_NEAR(trustworthiness(x, y, k, &ox, &oy), expected, 1e-9) << "precomputed, k " << k;
  }
}

TEST(Trustworthiness, ExactWithTies) {
  // Integer 3-D points: many exact distance ties, resolved by index in both implementations.
  const auto x = torch::randint(0, 4, {150, 3}, geometry_generator(11), torch::kFloat32);
  const auto y = x.narrow(1, 0, 2) + 0.01 * randn({150, 2}, 12);
  EXPECT_NEAR(trustworthiness(x, y, 7), reference_trustworthiness(x, y, 7), 1e-12);
}

// -------------------------------------------------------------------------------- grids

TEST(Grid2d, PaddedBoundsGrowEachSideByFivePercent) {
  const auto xy = torch::tensor({0.0f, 2.0f, 10.0f, 4.0f}).view({2, 2});
  const auto b = padded_bounds(xy);
  EXPECT_DOUBLE_EQ(b.x_min, -0.5);
  EXPECT_DOUBLE_EQ(b.x_max, 10.5);
  EXPECT_NEAR(b.y_min, 1.9, 1e-12);
  EXPECT_NEAR(b.y_max, 4.1, 1e-12);
}

TEST(Grid2d, DensitySumsToOneAndPeaksAtTightCluster) {
  // A tight cluster at the centre of cell (column 3, row 7) over a uniform background.
  const auto cluster = torch::tensor({0.35f, 0.75f}) + 0.001 * randn({500, 2}, 13);
  const auto background = torch::rand({200, 2}, geometry_generator(14), torch::kFloat32);
  const Bounds2d unit{0, 1, 0, 1};
  const auto grid = density_grid(torch::cat({cluster, background}), unit, 10);
  ASSERT_EQ(grid.values.size(), 100u);
  double sum = 0;
  for (const double v : grid.values) sum += v;
  EXPECT_NEAR(sum, 1.0, 1e-12);
  const auto peak = std::max_element(grid.values.begin(), grid.values.end()) - grid.values.begin();
  EXPECT_EQ(peak, 7 * 10 + 3);
  EXPECT_DOUBLE_EQ(grid.max, grid.values[peak]);
  // Row 0 is the y_min side.
  const auto low = density_grid(torch::tensor({0.05f, 0.05f}).view({1, 2}), unit, 10);
  EXPECT_EQ(std::max_element(low.values.begin(), low.values.end()) - low.values.begin(), 0);
}

TEST(Grid2d, GridsShareBoundsWhenGivenTheSame) {
  const auto posterior = randn({300, 2}, 15);
  const auto prior = 3.0 * randn({300, 2}, 16);
  const auto bounds = padded_bounds(torch::cat({posterior, prior}));
  const auto a = density_grid(posterior, bounds, 16).to_json();
  const auto b = density_grid(prior, bounds, 16).to_json();
  EXPECT_EQ(a["bounds"], b["bounds"]);
  EXPECT_EQ(a["grid"], b["grid"]);
  EXPECT_EQ(a.dump(), density_grid(posterior, bounds, 16).to_json().dump());  // deterministic
}

TEST(Distortion, UniformScalingGivesRatioTwo) {
  const auto z = randn({300, 4}, 17);
  const auto knn = exact_knn(z, 8);
  const auto ratios = distortion_ratios(2.0 * z, knn);
  EXPECT_LT((ratios - 2.0).abs().max().item<float>(), 1e-5f);
  const auto xy = z.narrow(1, 0, 2);
  const auto summary = distortion_grid(xy, ratios, padded_bounds(xy), 8);
  EXPECT_NEAR(summary.median, 2.0, 1e-5);
  EXPECT_NEAR(summary.min, 2.0, 1e-5);
  EXPECT_NEAR(summary.max, 2.0, 1e-5);
}

TEST(Distortion, EmptyCellsAndDuplicatedCodesAreNaN) {
  // Points only in the bottom-left quarter; the last two share a latent code.
  auto z = torch::rand({50, 3}, geometry_generator(18), torch::kFloat32);
  z[49] = z[48];
  const auto knn = exact_knn(z, 1);
  const auto ratios = distortion_ratios(z, knn);
  EXPECT_TRUE(std::isnan(ratios[49].item<float>()));
  const auto summary = distortion_grid(z.narrow(1, 0, 2), ratios, Bounds2d{0, 2, 0, 2}, 4);
  EXPECT_TRUE(std::isnan(summary.grid.values[15]));
  EXPECT_TRUE(std::isfinite(summary.median) && std::isfinite(summary.grid.min));
  const auto json = summary.grid.to_json();
  EXPECT_TRUE(json["values"][15].is_null());
  EXPECT_TRUE(json["values"][0].is_number());
  EXPECT_EQ(json["grid"]["width"], 4);
}

TEST(Grid2d, JsonRoundsToSixSignificantDigits) {
  Grid2d grid;
  grid.width = 2;
  grid.height = 1;
  grid.values = {0.123456789, std::numeric_limits<double>::quiet_NaN()};
  grid.min = grid.max = 0.123456789;
  const auto json = grid.to_json();
  EXPECT_EQ(json["values"].dump(), "[0.123457,null]");
  EXPECT_EQ(json["stats"]["max"].dump(), "0.123457");
}

}  // namespace
}  // namespace acc
