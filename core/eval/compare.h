// `acc compare`: every evaluation metric of several nodes side by side, with each node's
// difference from the first, and for nodes that differ only by seed, per-group mean,
// standard deviation and 95% confidence interval (Student t). Reads node metadata only:
// nothing is recomputed, so evaluate nodes first (`acc eval NODE [--artifacts ...]`).
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace acc {

struct MetricStats {
  int64_t n = 0;
  double mean = 0, std = 0, ci_low = 0, ci_high = 0;  // std: sample (n - 1); CI: mean ± t * std / sqrt(n)
};

// Difference of two seed groups' means (b - a) with Welch's 95% interval: standard error
// sqrt(s_a²/n_a + s_b²/n_b), Welch–Satterthwaite degrees of freedom, Student t quantile at
// that (fractional) df. `significant` when the interval excludes 0.
struct GroupDifference {
  double diff = 0, ci_low = 0, ci_high = 0, df = 0;
  bool significant = false;
};
// nullopt when either side has fewer than 2 values.
std::optional<GroupDifference> welch_difference(const std::vector<double>& a, const std::vector<double>& b);

struct SeedGroup {
  std::vector<size_t> members;  // indices into Comparison::nodes
  std::vector<std::optional<MetricStats>> stats;  // per row; empty when fewer than 2 members have it
};

struct Comparison {
  std::vector<std::string> nodes;    // RUN_ID/TAG
  std::vector<std::string> metrics;  // "task.metric", sorted
  std::vector<std::vector<std::optional<double>>> values;  // [metric][node]
  std::vector<SeedGroup> groups;     // only groups of 2 or more nodes
  // groups[k] - groups[0] for k >= 1: [k - 1][metric]
  std::vector<std::vector<std::optional<GroupDifference>>> group_differences;
  nlohmann::json to_json() const;
  std::string table() const;
};

// Lineage with seeds, tags and recipe line numbers removed: equal keys = nodes that differ
// only by seed.
std::string seed_group_key(const nlohmann::json& lineage);
// Two-sided 95% Student t quantile for `df` degrees of freedom.
double t_quantile_95(int64_t df);
// The same for fractional df (Welch): interpolated linearly in 1/df between the integer
// entries. Exact at integers and never below the exact quantile in between (intervals err
// wide): at most +0.06 above it for df >= 2 and +0.01 for df >= 3.
double t_quantile_95_fractional(double df);
MetricStats metric_stats(const std::vector<double>& values);

Comparison compare_nodes(const std::filesystem::path& runs_root, const std::vector<std::string>& addresses);

}  // namespace acc
