// Cluster confusion and k-means baselines of a GM-VAE; see cluster_artifacts.h.
#include "eval/cluster_artifacts.h"

#include <algorithm>
#include <chrono>
#include <numeric>

#include "error.h"
#include "eval/json_numbers.h"
#include "eval/latent_codes.h"
#include "eval/mixture_artifacts.h"

namespace acc {
namespace {

constexpr int64_t kCellPixels = 12;

void require_labels(const Dataset& dataset, const char* what) {
  if (!dataset.has_labels() || !dataset.test.labels.defined() || dataset.test.size() == 0)
    throw Error(std::string(what) + ": dataset '" + dataset.name +
                "' has no labelled test images to score clusters against; evaluate on a labelled dataset (mnist, "
                "fashion_mnist)");
}

// Component order for display: by matched label, unmatched components last, then by index.
std::vector<int64_t> display_order(const ClusteringScores& s) {
  std::vector<int64_t> order(s.confusion.size());
  std::iota(order.begin(), order.end(), 0);
  auto key = [&](int64_t k) { return s.matched_label[k] < 0 ? INT64_MAX : s.matched_label[k]; };
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return key(a) < key(b); });
  return order;
}

// White (0) to dark blue (the whole row) per cell, with 1 px grey grid lines.
torch::Tensor confusion_heatmap(const ClusteringScores& s, const std::vector<int64_t>& order) {
  const int64_t k = static_cast<int64_t>(s.confusion.size());
  const int64_t c = k ? static_cast<int64_t>(s.confusion[0].size()) : 0;
  torch::Tensor img = torch::full({3, k * kCellPixels + 1, c * kCellPixels + 1}, 0.7);
  const float white[3] = {1.0f, 1.0f, 1.0f}, blue[3] = {0.03f, 0.19f, 0.42f};
  for (int64_t r = 0; r < k; ++r) {
    const auto& row = s.confusion[static_cast<size_t>(order[static_cast<size_t>(r)])];
    const double total = static_cast<double>(std::accumulate(row.begin(), row.end(), int64_t{0}));
    for (int64_t j = 0; j < c; ++j) {
      const double share = total > 0 ? static_cast<double>(row[static_cast<size_t>(j)]) / total : 0.0;
      for (int ch = 0; ch < 3; ++ch)
        img[ch].slice(0, r * kCellPixels + 1, (r + 1) * kCellPixels).slice(1, j * kCellPixels + 1, (j + 1) * kCellPixels)
            .fill_(white[ch] + share * (blue[ch] - white[ch]));
    }
  }
  return img;
}

nlohmann::json common_fields(const Dataset& dataset, const ArtifactSink& sink, int64_t k) {
  return {{"format", "acc.clusters"},
          {"version", 1},
          {"dataset", dataset.name},
          {"split", "test"},
          {"components", k},
          {"classes", dataset.num_classes},
          {"step", sink.step()},
          {"epoch", sink.epoch() ? nlohmann::json(*sink.epoch()) : nlohmann::json()}};
}

nlohmann::json kmeans_row(const std::string& method, const std::string& space, const torch::Tensor& fit,
                          const torch::Tensor& test, const torch::Tensor& labels, int64_t k, int64_t classes) {
  const auto start = std::chrono::steady_clock::now();
  KMeansOptions o;
  o.k = k;
  o.restarts = kKMeansRestarts;
  o.seed = kKMeansSeed;
  const KMeansResult r = kmeans(fit, o);
  nlohmann::json row = clustering_scores_json(clustering_scores(nearest_center(test, r.centers), labels, k, classes));
  row["method"] = method;
  row["space"] = space;
  row["fit_n"] = fit.size(0);
  row["fit_inertia"] = json_number(r.inertia);
  row["iterations"] = r.iterations;
  row["restarts"] = o.restarts;
  row["seed"] = o.seed;
  row["compute_ms"] =
      json_number(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count(), 3);
  return row;
}

}  // namespace

nlohmann::json clustering_scores_json(const ClusteringScores& s) {
  return {{"accuracy", json_number(s.accuracy)},
          {"purity", json_number(s.purity)},
          {"nmi", json_number(s.nmi)},
          {"clusters_used", s.clusters_used},
          {"used_fraction", kClusterUsedFraction},
          {"n", s.n},
          {"matched_label", s.matched_label},
          {"confusion", s.confusion}};
}

void write_cluster_confusion(Model& model, const Dataset& dataset, const torch::Device& device, ArtifactSink& sink) {
  require_labels(dataset, "cluster confusion");
  const torch::Tensor q = mixture_posteriors(model, dataset.test, 0, device);
  const ClusteringScores s = clustering_scores(q.argmax(/*dim=*/1), dataset.test.labels, q.size(1), dataset.num_classes);
  const std::vector<int64_t> order = display_order(s);
  const std::string png = sink.write_png("clusters", "cluster_confusion", confusion_heatmap(s, order));
  nlohmann::json j = common_fields(dataset, sink, q.size(1));
  j["type"] = "cluster_confusion";
  j["method"] = "gmvae";
  j["scores"] = clustering_scores_json(s);
  j["qc_entropy_mean"] = json_number(-torch::xlogy(q.to(torch::kDouble), q.to(torch::kDouble)).sum(1).mean().item<double>());
  j["row_order"] = order;
  j["image"] = png;
  j["cell_pixels"] = kCellPixels;
  sink.write_json("clusters", "cluster_confusion", j);
}

void write_cluster_baselines(Model& model, const Dataset& dataset, const torch::Device& device, ArtifactSink& sink) {
  require_labels(dataset, "cluster baselines");
  if (dataset.train.size() == 0)
    throw Error("cluster baselines: dataset '" + dataset.name + "' has no train split to fit k-means on");
  const torch::Tensor q = mixture_posteriors(model, dataset.test, 0, device);
  const int64_t k = q.size(1), classes = dataset.num_classes;
  const torch::Tensor& labels = dataset.test.labels;
  nlohmann::json gmvae = clustering_scores_json(clustering_scores(q.argmax(/*dim=*/1), labels, k, classes));
  gmvae["method"] = "gmvae";
  gmvae["space"] = "argmax q(c|x)";

  const int64_t fit_n = std::min(dataset.train.size(), kKMeansFitImages);
  const torch::Tensor fit_pixels = dataset.train.images.slice(0, 0, fit_n).flatten(/*start_dim=*/1);
  nlohmann::json pixels =
      kmeans_row("kmeans_pixels", "raw pixels", fit_pixels, dataset.test.images.flatten(/*start_dim=*/1), labels, k, classes);

  const LatentCodes train_codes = encode_split(model, dataset, "train", device);
  const LatentCodes test_codes = encode_split(model, dataset, "test", device);
  nlohmann::json latents = kmeans_row("kmeans_latent_means", "latent means (" + test_codes.source_output + ")",
                                      train_codes.means.slice(0, 0, fit_n), test_codes.means, labels, k, classes);

  nlohmann::json j = common_fields(dataset, sink, k);
  j["type"] = "cluster_baselines";
  j["fit_split"] = "train";
  j["rows"] = {gmvae, pixels, latents};
  sink.write_json("clusters", "cluster_baselines", j);
}

}  // namespace acc
