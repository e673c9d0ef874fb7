// How well a GM-VAE's components recover the class labels, and the k-means baselines it
// must beat, on the test split (docs/run-format.md, "GM-VAE"). Scores are those of
// analysis/clustering_scores.h on the hard assignment argmax_c q(c|x).
//
//   clusters/<label>/cluster_confusion.{json,png}   artifact `cluster_confusion`: the
//       components x labels counts, the scores, and a heatmap (one row per component, rows
//       ordered by matched label, each row shaded by its share of the row's images).
//   clusters/<label>/cluster_baselines.json         artifact `cluster_baselines`: one table
//       with the GM-VAE, k-means on raw pixels and k-means on the GM-VAE's latent means
//       (MU), all with K = the model's components, fitted on the train split (at most
//       kKMeansFitImages, its first rows) and scored on the whole test split.
#pragma once

#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include "analysis/clustering_scores.h"
#include "analysis/kmeans.h"
#include "data/dataset.h"
#include "eval/artifact_sink.h"
#include "models/model.h"

namespace acc {

// Training images k-means is fitted on, at most (bounds its cost on Fashion-MNIST's 60,000).
inline constexpr int64_t kKMeansFitImages = 10000;
// k-means baseline settings: k-means++ restarts and the fixed seed.
inline constexpr int64_t kKMeansRestarts = 10;
inline constexpr uint64_t kKMeansSeed = 0;

// {"accuracy", "purity", "nmi", "clusters_used", "n", "matched_label", "confusion"}.
nlohmann::json clustering_scores_json(const ClusteringScores& scores);

// acc::Error naming the dataset when its test split has no labels.
void write_cluster_confusion(Model& model, const Dataset& dataset, const torch::Device& device, ArtifactSink& sink);
void write_cluster_baselines(Model& model, const Dataset& dataset, const torch::Device& device, ArtifactSink& sink);

}  // namespace acc
