// Clustering accuracy, purity, NMI and usage from a confusion matrix; see clustering_scores.h.
#include "analysis/clustering_scores.h"

#include <algorithm>
#include <cmath>

#include "analysis/hungarian.h"
#include "error.h"

namespace acc {
namespace {

// Entropy in nats of counts / total (0 log 0 = 0).
double count_entropy(const std::vector<double>& counts, double total) {
  double h = 0;
  for (double c : counts)
    if (c > 0) h -= (c / total) * std::log(c / total);
  return h;
}

}  // namespace

ClusteringScores clustering_scores(const torch::Tensor& clusters, const torch::Tensor& labels, int64_t k, int64_t c,
                                   double used_fraction) {
  const torch::Tensor a = clusters.to(torch::kLong).cpu().contiguous(), l = labels.to(torch::kLong).cpu().contiguous();
  if (a.dim() != 1 || l.dim() != 1 || a.size(0) != l.size(0))
    throw Error("clustering scores: need one cluster id and one label per point");
  std::vector<std::vector<int64_t>> confusion(static_cast<size_t>(k), std::vector<int64_t>(static_cast<size_t>(c), 0));
  const int64_t* ap = a.data_ptr<int64_t>();
  const int64_t* lp = l.data_ptr<int64_t>();
  for (int64_t i = 0; i < a.size(0); ++i) {
    if (ap[i] < 0 || ap[i] >= k || lp[i] < 0 || lp[i] >= c)
      throw Error("clustering scores: cluster " + std::to_string(ap[i]) + " / label " + std::to_string(lp[i]) +
                  " outside 0.." + std::to_string(k - 1) + " / 0.." + std::to_string(c - 1));
    ++confusion[static_cast<size_t>(ap[i])][static_cast<size_t>(lp[i])];
  }
  return clustering_scores_from_confusion(confusion, used_fraction);
}

ClusteringScores clustering_scores_from_confusion(const std::vector<std::vector<int64_t>>& confusion,
                                                  double used_fraction) {
  ClusteringScores s;
  s.confusion = confusion;
  const size_t k = confusion.size();
  const size_t c = k ? confusion[0].size() : 0;
  std::vector<double> row(k, 0), col(c, 0);
  std::vector<std::vector<double>> weights(k, std::vector<double>(c, 0));
  double total = 0, majority = 0;
  for (size_t i = 0; i < k; ++i) {
    int64_t best = 0;
    for (size_t j = 0; j < c; ++j) {
      const double v = static_cast<double>(confusion[i][j]);
      weights[i][j] = v;
      row[i] += v;
      col[j] += v;
      total += v;
      best = std::max(best, confusion[i][j]);
    }
    majority += static_cast<double>(best);
  }
  s.n = static_cast<int64_t>(total);
  s.matched_label = max_weight_matching(weights);
  if (total == 0) {
    s.matched_label.assign(k, -1);
    return s;
  }
  double matched = 0;
  for (size_t i = 0; i < k; ++i)
    if (s.matched_label[i] >= 0) matched += weights[i][static_cast<size_t>(s.matched_label[i])];
  s.accuracy = matched / total;
  s.purity = majority / total;

  double mutual = 0;
  for (size_t i = 0; i < k; ++i)
    for (size_t j = 0; j < c; ++j) {
      const double v = weights[i][j];
      if (v > 0) mutual += (v / total) * std::log(v * total / (row[i] * col[j]));
    }
  const double h_cluster = count_entropy(row, total), h_label = count_entropy(col, total);
  // Both partitions a single block: identical, NMI 1 (scikit-learn's convention).
  if (h_cluster == 0 && h_label == 0) s.nmi = 1.0;
  else s.nmi = std::max(0.0, mutual / ((h_cluster + h_label) / 2));

  for (size_t i = 0; i < k; ++i)
    if (row[i] >= used_fraction * total && row[i] > 0) ++s.clusters_used;
  return s;
}

}  // namespace acc
