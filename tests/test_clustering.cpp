// Clustering scores (Hungarian matching, purity, NMI, components used) and k-means, on
// hand-made inputs whose answers are known.
#include <gtest/gtest.h>

#include <cmath>

#include "analysis/clustering_scores.h"
#include "analysis/hungarian.h"
#include "analysis/kmeans.h"
#include "error.h"

namespace acc {
namespace {

double matched_sum(const std::vector<std::vector<double>>& w, const std::vector<int64_t>& match) {
  double s = 0;
  for (size_t r = 0; r < match.size(); ++r)
    if (match[r] >= 0) s += w[r][static_cast<size_t>(match[r])];
  return s;
}

TEST(Hungarian, FindsTheBestAssignmentWhereGreedyFails) {
  // Greedy takes 9 (row 0 -> col 0) and is left with 1 + 1; the optimum is 8 + 8 + 7 = 23.
  const std::vector<std::vector<double>> w = {{9, 8, 0}, {8, 1, 0}, {0, 0, 7}};
  const std::vector<int64_t> m = max_weight_matching(w);
  EXPECT_EQ(m, (std::vector<int64_t>{1, 0, 2}));
  EXPECT_DOUBLE_EQ(matched_sum(w, m), 23.0);
}

TEST(Hungarian, MoreRowsThanColumnsLeavesTheWeakestRowsUnmatched) {
  // 4 clusters, 2 labels: rows 1 and 3 carry the most weight on distinct columns.
  const std::vector<std::vector<double>> w = {{2, 1}, {10, 0}, {0, 0}, {1, 6}};
  const std::vector<int64_t> m = max_weight_matching(w);
  ASSERT_EQ(m.size(), 4u);
  EXPECT_EQ(m[1], 0);
  EXPECT_EQ(m[3], 1);
  EXPECT_EQ(m[0], -1);
  EXPECT_EQ(m[2], -1);
}

TEST(Hungarian, MoreColumnsThanRowsMatchesEveryRow) {
  const std::vector<std::vector<double>> w = {{0, 0, 5, 1}, {3, 0, 4, 0}};
  const std::vector<int64_t> m = max_weight_matching(w);
  EXPECT_EQ(m, (std::vector<int64_t>{2, 0}));
}

TEST(Hungarian, AgreesWithBruteForceOnRandomSquareMatrices) {
  torch::manual_seed(3);
  for (int trial = 0; trial < 20; ++trial) {
    const torch::Tensor t = torch::randint(0, 50, {5, 5}, torch::kDouble);
    std::vector<std::vector<double>> w(5, std::vector<double>(5));
    for (int r = 0; r < 5; ++r)
      for (int c = 0; c < 5; ++c) w[r][c] = t[r][c].item<double>();
    std::vector<int64_t> perm = {0, 1, 2, 3, 4};
    double best = -1;
    do best = std::max(best, matched_sum(w, perm));
    while (std::next_permutation(perm.begin(), perm.end()));
    EXPECT_DOUBLE_EQ(matched_sum(w, max_weight_matching(w)), best) << "trial " << trial;
  }
}

TEST(ClusteringScores, HandMadeConfusionGivesAccuracyPurityAndUsage) {
  // 3 clusters x 2 labels, 100 points; cluster 2 holds 1 point (< 2%): not "used".
  //   cluster 0: 40 of label 0, 10 of label 1
  //   cluster 1:  5 of label 0, 44 of label 1
  //   cluster 2:  1 of label 0
  const ClusteringScores s = clustering_scores_from_confusion({{40, 10}, {5, 44}, {1, 0}});
  EXPECT_EQ(s.n, 100);
  EXPECT_NEAR(s.accuracy, (40 + 44) / 100.0, 1e-12);
  EXPECT_NEAR(s.purity, (40 + 44 + 1) / 100.0, 1e-12);
  EXPECT_EQ(s.matched_label, (std::vector<int64_t>{0, 1, -1}));
  EXPECT_EQ(s.clusters_used, 2);
}

TEST(ClusteringScores, NmiMatchesAHandComputation) {
  const std::vector<std::vector<int64_t>> conf = {{40, 10}, {5, 44}, {1, 0}};
  double n = 100, h_k = 0, h_c = 0, mi = 0;
  const double rows[3] = {50, 49, 1}, cols[2] = {46, 54};
  for (double r : rows) h_k -= r / n * std::log(r / n);
  for (double c : cols) h_c -= c / n * std::log(c / n);
  for (int k = 0; k < 3; ++k)
    for (int c = 0; c < 2; ++c)
      if (conf[k][c] > 0) {
        const double p = conf[k][c] / n;
        mi += p * std::log(p / (rows[k] / n * cols[c] / n));
      }
  EXPECT_NEAR(clustering_scores_from_confusion(conf).nmi, mi / ((h_k + h_c) / 2), 1e-12);
}

TEST(ClusteringScores, PerfectRelabelledClusteringScoresOneAndEmptyComponentsDoNotCount) {
  // Labels 0,1,2 found as clusters 2,0,1; clusters 3 and 4 are empty.
  const torch::Tensor labels = torch::tensor({0, 0, 1, 1, 2, 2, 2}, torch::kLong);
  const torch::Tensor clusters = torch::tensor({2, 2, 0, 0, 1, 1, 1}, torch::kLong);
  const ClusteringScores s = clustering_scores(clusters, labels, /*k=*/5, /*c=*/3);
  EXPECT_DOUBLE_EQ(s.accuracy, 1.0);
  EXPECT_DOUBLE_EQ(s.purity, 1.0);
  EXPECT_NEAR(s.nmi, 1.0, 1e-12);
  EXPECT_EQ(s.clusters_used, 3);
  EXPECT_EQ(s.matched_label[2], 0);
  EXPECT_EQ(s.matched_label[0], 1);
  EXPECT_EQ(s.matched_label[1], 2);
  ASSERT_EQ(s.confusion.size(), 5u);
  EXPECT_EQ(s.confusion[3], (std::vector<int64_t>{0, 0, 0}));
}

TEST(ClusteringScores, OneClusterForEverythingHasZeroNmiAndMajorityPurity) {
  const torch::Tensor labels = torch::tensor({0, 0, 0, 1}, torch::kLong);
  const ClusteringScores s = clustering_scores(torch::zeros({4}, torch::kLong), labels, 10, 2);
  EXPECT_DOUBLE_EQ(s.purity, 0.75);
  EXPECT_DOUBLE_EQ(s.accuracy, 0.75);
  EXPECT_DOUBLE_EQ(s.nmi, 0.0);
  EXPECT_EQ(s.clusters_used, 1);
}

TEST(KMeans, RecoversWellSeparatedBlobsAndTheirInertia) {
  torch::manual_seed(0);
  const torch::Tensor centers = torch::tensor({{0.0, 0.0}, {20.0, 0.0}, {0.0, 20.0}}, torch::kDouble);
  const torch::Tensor labels = torch::arange(3).repeat_interleave(50);
  const torch::Tensor points = centers.index_select(0, labels) + 0.5 * torch::randn({150, 2}, torch::kDouble);
  KMeansOptions o;
  o.k = 3;
  o.restarts = 3;
  const KMeansResult r = kmeans(points, o);
  EXPECT_DOUBLE_EQ(clustering_scores(r.assignments, labels, 3, 3).accuracy, 1.0);
  // The inertia is the points' squared distance to their own blob's mean.
  double expected = 0;
  for (int c = 0; c < 3; ++c) {
    const torch::Tensor p = points.slice(0, c * 50, (c + 1) * 50);
    expected += (p - p.mean(0)).square().sum().item<double>();
  }
  EXPECT_NEAR(r.inertia, expected, 1e-6 * expected);
  EXPECT_TRUE(torch::equal(nearest_center(points, r.centers), r.assignments));
}

TEST(KMeans, SameSeedSameResultAndBadKIsRefused) {
  torch::manual_seed(1);
  const torch::Tensor points = torch::randn({60, 4});
  KMeansOptions o;
  o.k = 4;
  EXPECT_TRUE(torch::equal(kmeans(points, o).assignments, kmeans(points, o).assignments));
  o.k = 61;
  EXPECT_THROW(kmeans(points, o), Error);
  o.k = 0;
  EXPECT_THROW(kmeans(points, o), Error);
}

}  // namespace
}  // namespace acc
