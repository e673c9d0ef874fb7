// UMAP tests: behaviour, not magic numbers. Separated clusters must stay separated and
// neighbourhoods must survive (trustworthiness, computed here by brute force as sklearn's
// trustworthiness does); the same seed must give the same bytes; bad input must throw. The
// only reference numbers are umap-learn 0.5.3's find_ab_params values.
#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <vector>

#include "analysis/umap.h"

namespace acc {
namespace {

// Gaussian blobs: `clusters` centres drawn with spread `separation`, unit-variance points.
struct Blobs {
  torch::Tensor x;                // float32 [clusters * per_cluster, dim]
  std::vector<int64_t> label;
};

Blobs make_blobs(int64_t clusters, int64_t per_cluster, int64_t dim, double separation,
                 uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> centres(clusters * dim);
  for (float& c : centres) c = static_cast<float>(separation) * normal(rng);
  Blobs blobs;
  blobs.x = torch::empty({clusters * per_cluster, dim}, torch::kFloat32);
  float* x = blobs.x.data_ptr<float>();
  for (int64_t c = 0; c < clusters; ++c) {
    for (int64_t i = 0; i < per_cluster; ++i) {
      const int64_t row = c * per_cluster + i;
      for (int64_t d = 0; d < dim; ++d) x[row * dim + d] = centres[c * dim + d] + normal(rng);
      blobs.label.push_back(c);
    }
  }
  return blobs;
}

// A noisy helix in 16-D: one connected manifold, so the kNN graph is connected and the
// spectral initialisation is the one that runs.
torch::Tensor make_helix(int64_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> noise(0.0f, 0.05f);
  auto x = torch::empty({n, 16}, torch::kFloat32);
  float* p = x.data_ptr<float>();
  for (int64_t i = 0; i < n; ++i) {
    const float t = 12.0f * static_cast<float>(i) / static_cast<float>(n);
    for (int64_t d = 0; d < 16; ++d) p[i * 16 + d] = noise(rng);
    p[i * 16 + 0] += std::cos(t);
    p[i * 16 + 1] += std::sin(t);
    p[i * 16 + 2] += 0.3f * t;
  }
  return x;
}

struct Knn {
  torch::Tensor indices, distances;
};

// Exact kNN without self: the k + 1 nearest by brute force, then drop the first column.
// cdist's default matmul form would put self at ~1e-3 instead of 0; compute_mode 2 does not.
Knn exact_knn(const torch::Tensor& x, int64_t k) {
  const auto d = torch::cdist(x, x, /*p=*/2.0, /*compute_mode=*/2);
  const auto [dist, idx] = d.topk(k + 1, /*dim=*/1, /*largest=*/false, /*sorted=*/true);
  return {idx.narrow(1, 1, k).contiguous(), dist.narrow(1, 1, k).contiguous()};
}

// sklearn.manifold.trustworthiness: 1 - 2 / (n k (2n - 3k - 1)) * sum over embedded
// neighbours j of i that are not input neighbours of (rank of j among i's input
// neighbours - k). 1 = no false neighbours in the embedding.
double trustworthiness(const torch::Tensor& x, const torch::Tensor& y, int64_t k) {
  const int64_t n = x.size(0);
  const auto inf = std::numeric_limits<double>::infinity();
  auto dx = torch::cdist(x.to(torch::kFloat64), x.to(torch::kFloat64));
  auto dy = torch::cdist(y.to(torch::kFloat64), y.to(torch::kFloat64));
  dx.fill_diagonal_(inf);
  dy.fill_diagonal_(inf);
  const auto order = dx.argsort(/*dim=*/1, /*descending=*/false);  // rank = place in order
  auto rank = torch::empty_like(order);
  rank.scatter_(1, order, torch::arange(1, n + 1, torch::kLong).expand({n, n}).contiguous());
  const auto nn_y = std::get<1>(dy.topk(k, 1, /*largest=*/false));
  const auto r = rank.gather(1, nn_y);
  const double penalty = (r - k).clamp_min(0).sum().item<double>();
  return 1.0 - 2.0 / (n * k * (2.0 * n - 3.0 * k - 1.0)) * penalty;
}

// Share of points whose nearest embedded cluster centroid is their own cluster's.
double centroid_accuracy(const torch::Tensor& y, const std::vector<int64_t>& label,
                         int64_t clusters) {
  const auto lab = torch::tensor(label, torch::kLong);
  auto centroids = torch::zeros({clusters, y.size(1)});
  for (int64_t c = 0; c < clusters; ++c) centroids[c] = y.index({lab == c}).mean(0);
  const auto nearest = torch::cdist(y, centroids).argmin(1);
  return (nearest == lab).to(torch::kFloat64).mean().item<double>();
}

TEST(Umap, FindAbMatchesUmapLearn) {
  // umap-learn 0.5.3 find_ab_params(spread, min_dist) (scipy curve_fit).
  struct Case {
    double spread, min_dist, a, b;
  };
  for (const Case& c : {Case{1.0, 0.1, 1.5769434601962196, 0.8950608779914887},
                        Case{1.0, 0.5, 0.583030020479462, 1.3341669929263487},
                        Case{2.0, 0.0, 0.646046672809973, 0.7904944901548902}}) {
    const auto [a, b] = umap_find_ab(c.spread, c.min_dist);
    EXPECT_NEAR(a, c.a, 0.01 * c.a) << "spread " << c.spread << " min_dist " << c.min_dist;
    EXPECT_NEAR(b, c.b, 0.01 * c.b) << "spread " << c.spread << " min_dist " << c.min_dist;
  }
}

TEST(Umap, SeparatedClustersStayApart) {
  const Blobs blobs = make_blobs(/*clusters=*/5, /*per_cluster=*/200, /*dim=*/16,
                                 /*separation=*/10.0, /*seed=*/1);
  const Knn knn = exact_knn(blobs.x, 15);
  const UmapResult r = umap_embed(blobs.x, knn.indices, knn.distances, UmapParams{});
  EXPECT_GT(trustworthiness(blobs.x, r.embedding, 15), 0.9);
  EXPECT_GE(centroid_accuracy(r.embedding, blobs.label, 5), 0.95);
  // Separate blobs give a disconnected graph: the spectral init must fall back, and say so.
  EXPECT_EQ(r.params["init"], "pca");
  EXPECT_TRUE(r.params.contains("init_fallback_reason"));
}

TEST(Umap, SpectralInitOnConnectedManifold) {
  const auto x = make_helix(800, /*seed=*/2);
  const Knn knn = exact_knn(x, 15);
  const UmapResult r = umap_embed(x, knn.indices, knn.distances, UmapParams{});
  EXPECT_EQ(r.params["init"], "spectral") << r.params.dump();
  EXPECT_EQ(r.params["graph_components"], 1);
  EXPECT_LE(r.params["spectral_residual"].get<double>(), 1e-4);
  EXPECT_GT(trustworthiness(x, r.embedding, 15), 0.9);
  EXPECT_TRUE(torch::isfinite(r.embedding).all().item<bool>());
}

TEST(Umap, SameSeedSameBytesOtherSeedOtherLayout) {
  const auto x = make_helix(300, /*seed=*/3);  // connected: both inits really run
  const Knn knn = exact_knn(x, 10);
  UmapParams p;
  p.n_neighbors = 10;
  p.n_epochs = 50;
  p.seed = 7;
  for (const std::string init : {"spectral", "pca"}) {
    p.init = init;
    const UmapResult first = umap_embed(x, knn.indices, knn.distances, p);
    EXPECT_EQ(first.params["init"], init);
    const auto second = umap_embed(x, knn.indices, knn.distances, p).embedding;
    EXPECT_TRUE(torch::equal(first.embedding, second)) << init;
    UmapParams other = p;
    other.seed = 8;
    const auto third = umap_embed(x, knn.indices, knn.distances, other).embedding;
    EXPECT_FALSE(torch::equal(first.embedding, third)) << init;
  }
}

TEST(Umap, DuplicatePointsStayFinite) {
  // Every point twice: zero kNN distances (rho from the first positive one) and coincident
  // points in the layout, which only the initial jitter separates.
  const Blobs blobs = make_blobs(2, 50, 6, 4.0, /*seed=*/6);
  const auto x = torch::cat({blobs.x, blobs.x});
  const Knn knn = exact_knn(x, 10);
  UmapParams p;
  p.n_neighbors = 10;
  p.n_epochs = 100;
  const UmapResult r = umap_embed(x, knn.indices, knn.distances, p);
  EXPECT_TRUE(torch::isfinite(r.embedding).all().item<bool>());
}

TEST(Umap, ThreeComponentsAndResolvedParams) {
  const Blobs blobs = make_blobs(2, 60, 5, 5.0, /*seed=*/4);
  const Knn knn = exact_knn(blobs.x, 8);
  UmapParams p;
  p.n_components = 3;
  p.n_neighbors = 8;
  p.init = "pca";
  p.seed = 11;
  const UmapResult r = umap_embed(blobs.x, knn.indices, knn.distances, p);
  EXPECT_EQ(r.embedding.sizes(), (std::vector<int64_t>{120, 3}));
  EXPECT_EQ(r.embedding.scalar_type(), torch::kFloat32);
  EXPECT_EQ(r.params["n_neighbors"], 8);
  EXPECT_EQ(r.params["n_components"], 3);
  EXPECT_EQ(r.params["min_dist"], 0.1);
  EXPECT_EQ(r.params["n_epochs"], 500);  // auto: N <= 10000
  EXPECT_EQ(r.params["init"], "pca");
  EXPECT_EQ(r.params["seed"], 11);
  EXPECT_DOUBLE_EQ(r.params["a"].get<double>(), r.a);
  EXPECT_DOUBLE_EQ(r.params["b"].get<double>(), r.b);
  EXPECT_GT(r.params["n_edges"].get<int64_t>(), 0);
}

TEST(Umap, BadInputThrows) {
  const Blobs blobs = make_blobs(2, 10, 4, 5.0, /*seed=*/5);
  const Knn knn = exact_knn(blobs.x, 5);
  const auto embed = [&](UmapParams p) { umap_embed(blobs.x, knn.indices, knn.distances, p); };
  UmapParams p;
  p.n_neighbors = 5;
  p.n_epochs = 5;
  EXPECT_NO_THROW(embed(p));

  UmapParams wrong_k = p;
  wrong_k.n_neighbors = 6;
  EXPECT_ANY_THROW(embed(wrong_k));
  for (int64_t n_components : {1, 4}) {
    UmapParams q = p;
    q.n_components = n_components;
    EXPECT_ANY_THROW(embed(q));
  }
  UmapParams bad_init = p;
  bad_init.init = "random";
  EXPECT_ANY_THROW(embed(bad_init));
  UmapParams bad_dist = p;
  bad_dist.min_dist = 2.0;  // > spread
  EXPECT_ANY_THROW(embed(bad_dist));

  // N <= k: 5 points cannot have 5 neighbours other than themselves.
  const auto few = blobs.x.narrow(0, 0, 5);
  const auto idx = torch::zeros({5, 5}, torch::kLong);
  const auto dist = torch::ones({5, 5}, torch::kFloat32);
  EXPECT_ANY_THROW(umap_embed(few, idx, dist, p));
  // Wrong dtypes and an index out of range.
  EXPECT_ANY_THROW(umap_embed(blobs.x, knn.indices.to(torch::kInt32), knn.distances, p));
  EXPECT_ANY_THROW(umap_embed(blobs.x, knn.indices + 100, knn.distances, p));
}

}  // namespace
}  // namespace acc
