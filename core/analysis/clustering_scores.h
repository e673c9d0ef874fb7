// How well a hard clustering of N points (cluster ids 0..K-1) recovers their class labels
// (0..C-1). Shared by the gmvae_kl task, the mixture-health and cluster artifacts and the
// k-means baselines, so every number in a GM-VAE comparison table means the same thing.
//
//   confusion[k][c]   points of cluster k with label c (K x C counts)
//   accuracy          clustering accuracy: the best one-to-one matching of clusters to labels
//                     (Hungarian algorithm, analysis/hungarian.h), matched points / N. With
//                     K > C the unmatched clusters' points count as errors (as in
//                     scipy.optimize.linear_sum_assignment-based scorers).
//   purity            sum over clusters of its most frequent label's count, / N: the
//                     "majority label" accuracy the GM-VAE papers report; it allows many
//                     clusters per label, so it can only rise with K.
//   nmi               I(cluster; label) / ((H(cluster) + H(label)) / 2), in [0, 1], the
//                     arithmetic normalisation (scikit-learn's default); 1 when either
//                     partition has a single block and both agree, 0 with one block only.
//   clusters_used     clusters holding at least `used_fraction` (2%) of the points.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace acc {

inline constexpr double kClusterUsedFraction = 0.02;

struct ClusteringScores {
  std::vector<std::vector<int64_t>> confusion;  // [K][C]
  std::vector<int64_t> matched_label;           // per cluster: its Hungarian label, or -1
  double accuracy = 0, purity = 0, nmi = 0;
  int64_t clusters_used = 0;
  int64_t n = 0;
};

// `clusters` and `labels` are int64 [N]; K clusters and C classes bound their values.
ClusteringScores clustering_scores(const torch::Tensor& clusters, const torch::Tensor& labels, int64_t k, int64_t c,
                                   double used_fraction = kClusterUsedFraction);
// The same scores from a confusion matrix alone.
ClusteringScores clustering_scores_from_confusion(const std::vector<std::vector<int64_t>>& confusion,
                                                  double used_fraction = kClusterUsedFraction);

}  // namespace acc
