// UMAP in the order umap-learn 0.5 runs it (see umap.h): fuzzy memberships from the given
// kNN, fuzzy union into one symmetric graph, pruning of edges too weak to be sampled, an
// initial layout (spectral, or PCA as asked or as the fallback), then sequential SGD.
// Apart from the PCA (torch matmuls) and the 32 x 32 eigh inside the spectral solver,
// everything is plain single-threaded loops in a fixed order, so equal inputs and seed give
// equal bytes.
//
// This file checks the parameters, fits a and b, and runs the stages in order; each stage
// is its own file: umap_graph (memberships, union, pruning), umap_init (spectral solver and
// initial layouts), umap_sgd (the layout optimisation), sharing umap_rng's random stream.
#include "analysis/umap.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "analysis/umap_graph.h"
#include "analysis/umap_init.h"
#include "analysis/umap_rng.h"
#include "analysis/umap_sgd.h"
#include "error.h"

namespace acc {

namespace {

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

  umap_detail::Csr graph = umap_detail::fuzzy_union(
      idx.data_ptr<int64_t>(), umap_detail::fuzzy_memberships(dist.data_ptr<float>(), n, k), n, k);
  double max_w = 0;
  for (double v : graph.val) max_w = std::max(max_w, v);
  // Like umap-learn: a short run still prunes as if it were a default-length one.
  graph = umap_detail::drop_weak_edges(
      graph, max_w / static_cast<double>(n_epochs > 10 ? n_epochs : default_epochs));

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
  const std::vector<double> coords = umap_detail::initial_coords(data, graph, params, info);

  umap_detail::SplitMix64 rng(params.seed);
  std::vector<float> emb = umap_detail::finish_layout(coords, n, dim, rng);
  umap_detail::optimize_layout(emb, n, graph, params, a, b, n_epochs, rng);

  UmapResult result;
  result.embedding = torch::from_blob(emb.data(), {n, dim}, torch::kFloat32).clone();
  result.a = a;
  result.b = b;
  result.params = std::move(info);
  return result;
}

}  // namespace acc
