// The latent-space artifacts of one projection method (pca or umap): the 2D and 3D
// embeddings of the evaluation set's latent means with their trustworthiness, and in 2D the
// posterior and prior density grids and the kNN distortion grid. The exact latent kNN and
// the thumbnail sprites are written once per evaluation and referenced from every file.
#include <cmath>

#include "analysis/grid2d.h"
#include "analysis/knn.h"
#include "analysis/pca.h"
#include "analysis/trustworthiness.h"
#include "analysis/umap.h"
#include "eval/artifacts.h"
#include "eval/json_numbers.h"

namespace acc {

namespace {

// The points' ground-truth factors, one array per factor (the viewer colours by them):
// {names, units, values: [[N], ...]}, or null when the dataset has none.
nlohmann::json factor_columns(const Dataset& d, const LatentCodes& codes) {
  if (!codes.factors.defined() || d.factor_names.empty()) return nullptr;
  const nlohmann::json method = d.info.value("factors", nlohmann::json::object());
  const nlohmann::json units = method.is_object() && method.contains("units")
                                   ? method["units"]
                                   : nlohmann::json(std::vector<std::string>(d.factor_names.size(), ""));
  nlohmann::json values = nlohmann::json::array();
  for (int64_t f = 0; f < codes.factors.size(1); ++f) values.push_back(json_flat(codes.factors.select(1, f)));
  return {{"names", d.factor_names}, {"units", units}, {"values", values}};
}

constexpr int64_t kTrustK = 15;
constexpr int64_t kUmapNeighbors = 15;
constexpr int64_t kMaxPriorSamples = 10000;
constexpr uint64_t kPriorSeed = 0;
constexpr uint64_t kUmapSeed = 0;

// A projection method: fit on the evaluation set, then map other latent points (prior
// samples) into the same space.
struct Projection {
  torch::Tensor coords;  // [N, dims]
  nlohmann::json info;   // method-specific fields for the projection JSON
  std::function<torch::Tensor(const torch::Tensor&)> map_new;
};

// Exact kNN of `queries` among `reference` rows (no self to exclude): indices, distances.
std::pair<torch::Tensor, torch::Tensor> cross_knn(const torch::Tensor& queries, const torch::Tensor& reference, int64_t k) {
  std::vector<torch::Tensor> idx, dist;
  for (int64_t start = 0; start < queries.size(0); start += 1024) {
    const auto q = queries.narrow(0, start, std::min<int64_t>(1024, queries.size(0) - start));
    auto [d, i] = torch::cdist(q, reference).topk(k, /*dim=*/1, /*largest=*/false, /*sorted=*/true);
    idx.push_back(i);
    dist.push_back(d);
  }
  return {torch::cat(idx), torch::cat(dist)};
}

torch::Tensor prior_samples(int64_t count, int64_t dim) {
  // Own generator: the run's global RNG (training noise, batch order) is never touched.
  auto generator = at::detail::createCPUGenerator(kPriorSeed);
  return torch::randn({count, dim}, generator, torch::kFloat);
}

const Knn& trust_knn(ArtifactRun& run, std::optional<Knn>& own) {
  if (run.settings.knn_k == kTrustK) return run.latent_knn();
  if (!own) own = exact_knn(run.projection_codes().means, kTrustK);
  return *own;
}

void write_projection_set(ArtifactRun& run, const std::string& method,
                          const std::function<Projection(int64_t dims)>& fit) {
  const LatentCodes& codes = run.projection_codes();
  const int64_t latent_dim = codes.means.size(1);
  if (latent_dim < 2) {
    run.notes.push_back(method + ": a " + std::to_string(latent_dim) + "-dim latent has nothing to project; skipped");
    return;
  }
  const Knn& knn = run.latent_knn();
  std::optional<Knn> own_trust_knn;
  const Knn& trust = trust_knn(run, own_trust_knn);
  const nlohmann::json& sprites = run.sprites();
  const bool has_prior = run.model.outputs().count(ModelOutput::MU) > 0;
  for (const int64_t dims : {int64_t{2}, int64_t{3}}) {
    if (dims > latent_dim) {
      run.notes.push_back(method + " " + std::to_string(dims) + "d: latent has only " + std::to_string(latent_dim) +
                          " dims; skipped");
      continue;
    }
    Projection p = fit(dims);
    const std::string suffix = std::to_string(dims) + "d_" + method;
    nlohmann::json j = {{"format", "acc.projection"},
                        {"version", 1},
                        {"method", method},
                        {"dims", dims},
                        {"dataset", codes.dataset},
                        {"split", codes.split},
                        {"source_output", codes.source_output},
                        {"latent_dim", latent_dim},
                        {"n", codes.size()},
                        {"coords", json_flat(p.coords)},
                        {"index", json_flat(codes.index)},
                        {"label", codes.labels.defined() ? json_flat(codes.labels) : nlohmann::json()},
                        {"factors", factor_columns(run.dataset, codes)},
                        {"trustworthiness", {{"k", kTrustK}, {"value", json_number(trustworthiness(codes.means, p.coords, kTrustK, &trust))}}},
                        {"neighbors", run.knn_path()},
                        {"sprites", sprites}};
    j.update(p.info);
    const std::string projection_path = run.sink.write_json("projections", "latent_" + suffix, j);
    if (dims != 2) continue;

    // Density: posterior (encoded points) and, for VAEs, the N(0, I) prior pushed through
    // the same map, on one grid covering both, so they can be compared cell by cell.
    torch::Tensor prior_xy;
    if (has_prior) prior_xy = p.map_new(prior_samples(std::min(codes.size(), kMaxPriorSamples), latent_dim));
    const Bounds2d bounds = padded_bounds(has_prior ? torch::cat({p.coords, prior_xy}) : p.coords);
    auto density_json = [&](const Grid2d& grid, const std::string& source, int64_t n) {
      nlohmann::json d = grid.to_json();
      d.update({{"format", "acc.density"},
                {"version", 1},
                {"source", source},
                {"method", method},
                {"projection", projection_path},
                {"n", n}});
      if (source == "prior") {
        d["prior_kind"] = "standard_normal";
        d["prior_seed"] = kPriorSeed;
        d["mapping"] = p.info.value("prior_mapping", "");
      }
      return d;
    };
    run.sink.write_json("density", "posterior_" + suffix, density_json(density_grid(p.coords, bounds), "posterior", codes.size()));
    if (has_prior) {
      run.sink.write_json("density", "prior_" + suffix, density_json(density_grid(prior_xy, bounds), "prior", prior_xy.size(0)));
    } else {
      run.notes.push_back(method + ": no prior density (the model is not a VAE, so N(0, I) is not its prior)");
    }

    // Distortion: how much the projection stretches each point's latent neighbourhood.
    const auto ratios = distortion_ratios(p.coords, knn);
    const DistortionSummary summary = distortion_grid(p.coords, ratios, bounds);
    nlohmann::json d = summary.grid.to_json();
    d.update({{"format", "acc.distortion"},
              {"version", 1},
              {"metric", "knn_mean_ratio"},
              {"definition", "per point: mean projected distance to its latent kNN / mean latent distance to them; "
                             "cell value: mean over the points in the cell (null when empty)"},
              {"method", method},
              {"projection", projection_path},
              {"k", run.settings.knn_k},
              {"n", codes.size()}});
    d["stats"] = {{"min", json_number(summary.min)}, {"max", json_number(summary.max)}, {"median", json_number(summary.median)}};
    run.sink.write_json("distortion", "metric_ratio_" + suffix, d);
  }
}

}  // namespace

void write_pca(ArtifactRun& run) {
  const LatentCodes& codes = run.projection_codes();
  if (codes.means.size(1) < 2) return write_projection_set(run, "pca", nullptr);
  const Pca pca = pca_fit(codes.means, std::min<int64_t>(3, codes.means.size(1)));
  write_projection_set(run, "pca", [&](int64_t dims) {
    Pca sub = pca;
    sub.components = pca.components.narrow(0, 0, dims);
    Projection p;
    p.coords = pca_transform(sub, codes.means);
    p.info = {{"explained_variance", json_flat(pca.explained_variance.narrow(0, 0, dims))},
              {"explained_variance_ratio", json_flat(pca.explained_variance_ratio.narrow(0, 0, dims))},
              {"components", json_nested(sub.components)},
              {"mean", json_flat(pca.mean)},
              {"prior_mapping", "the same linear PCA map"}};
    p.map_new = [sub](const torch::Tensor& z) { return pca_transform(sub, z); };
    return p;
  });
}

void write_umap(ArtifactRun& run) {
  const LatentCodes& codes = run.projection_codes();
  if (codes.means.size(1) < 2) return write_projection_set(run, "umap", nullptr);
  std::optional<Knn> own;
  const Knn* knn = &run.latent_knn();
  if (run.settings.knn_k < kUmapNeighbors) {
    own = exact_knn(codes.means, kUmapNeighbors);
    knn = &*own;
  }
  const auto indices = knn->indices.narrow(1, 0, kUmapNeighbors).contiguous();
  const auto distances = knn->distances.narrow(1, 0, kUmapNeighbors).contiguous();
  write_projection_set(run, "umap", [&](int64_t dims) {
    UmapParams params;
    params.n_components = dims;
    params.n_neighbors = kUmapNeighbors;
    params.seed = kUmapSeed;
    UmapResult result = umap_embed(codes.means, indices, distances, params);
    Projection p;
    p.coords = result.embedding;
    p.info = {{"params", result.params},
              {"prior_mapping",
               "each sample placed at the weighted mean of the embedded coordinates of its 15 nearest encoded points "
               "(weights exp(-(d - d_min) / (mean d - d_min)); umap-learn's transform initialisation, without its "
               "refinement epochs)"}};
    const torch::Tensor embedding = result.embedding;
    const torch::Tensor means = codes.means;
    p.map_new = [embedding, means](const torch::Tensor& z) {
      auto [idx, dist] = cross_knn(z, means, kUmapNeighbors);
      const auto d_min = dist.select(1, 0).unsqueeze(1);
      const auto spread = (dist.mean(1, /*keepdim=*/true) - d_min).clamp_min(1e-8);
      const auto w = torch::exp(-(dist - d_min) / spread);
      const auto neighbours = embedding.index_select(0, idx.reshape({-1})).view({idx.size(0), idx.size(1), -1});
      return (neighbours * w.unsqueeze(2)).sum(1) / w.sum(1, /*keepdim=*/true);
    };
    return p;
  });
}

}  // namespace acc
