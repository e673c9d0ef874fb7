// `acc compare`; see compare.h.
#include "eval/compare.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

#include "error.h"
#include "run/run_index.h"

namespace acc {

std::string seed_group_key(const nlohmann::json& lineage) {
  nlohmann::json key = nlohmann::json::array();
  for (auto entry : lineage) {
    for (const char* field : {"line", "via", "tag", "from"}) entry.erase(field);
    if (entry.value("op", "") == "set_seed") entry.erase("seed");
    key.push_back(entry);
  }
  return key.dump();
}

double t_quantile_95(int64_t df) {
  static const double table[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                 2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                 2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  if (df < 1) return NAN;
  if (df <= 30) return table[df - 1];
  return 1.960 + 2.4 / static_cast<double>(df);  // within 0.002 of the exact value beyond 30
}

double t_quantile_95_fractional(double df) {
  if (!(df >= 1)) return NAN;
  const int64_t lo = static_cast<int64_t>(std::floor(df));
  if (static_cast<double>(lo) == df) return t_quantile_95(lo);
  const double share = (1 / static_cast<double>(lo) - 1 / df) / (1 / static_cast<double>(lo) - 1 / static_cast<double>(lo + 1));
  return t_quantile_95(lo) + share * (t_quantile_95(lo + 1) - t_quantile_95(lo));
}

std::optional<GroupDifference> welch_difference(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() < 2 || b.size() < 2) return std::nullopt;
  const MetricStats sa = metric_stats(a), sb = metric_stats(b);
  const double va = sa.std * sa.std / double(sa.n), vb = sb.std * sb.std / double(sb.n);
  GroupDifference d;
  d.diff = sb.mean - sa.mean;
  const double se2 = va + vb;
  if (se2 <= 0) {  // both groups constant: the difference is exact
    d.ci_low = d.ci_high = d.diff;
    d.df = double(sa.n + sb.n - 2);
    d.significant = d.diff != 0;
    return d;
  }
  d.df = se2 * se2 / (va * va / double(sa.n - 1) + vb * vb / double(sb.n - 1));
  const double half = t_quantile_95_fractional(d.df) * std::sqrt(se2);
  d.ci_low = d.diff - half;
  d.ci_high = d.diff + half;
  d.significant = d.ci_low > 0 || d.ci_high < 0;
  return d;
}

MetricStats metric_stats(const std::vector<double>& v) {
  MetricStats s;
  s.n = static_cast<int64_t>(v.size());
  if (v.empty()) return s;
  for (double x : v) s.mean += x;
  s.mean /= static_cast<double>(s.n);
  if (s.n > 1) {
    double ss = 0;
    for (double x : v) ss += (x - s.mean) * (x - s.mean);
    s.std = std::sqrt(ss / static_cast<double>(s.n - 1));
    const double half = t_quantile_95(s.n - 1) * s.std / std::sqrt(static_cast<double>(s.n));
    s.ci_low = s.mean - half;
    s.ci_high = s.mean + half;
  } else {
    s.ci_low = s.ci_high = s.mean;
  }
  return s;
}

Comparison compare_nodes(const std::filesystem::path& runs_root, const std::vector<std::string>& addresses) {
  if (addresses.size() < 2) throw Error("compare: give at least two nodes (RUN_ID/TAG or id prefixes)");
  Comparison c;
  std::vector<std::map<std::string, double>> per_node;
  std::vector<std::string> keys;
  std::set<std::string> names;
  for (const auto& address : addresses) {
    const NodeAddress at = resolve_node(runs_root, address);
    c.nodes.push_back(at.run.id + "/" + at.node.tag);
    std::map<std::string, double> flat;
    for (const auto& [task, values] : at.node.metrics.items())
      if (values.is_object())
        for (const auto& [metric, v] : values.items())
          if (v.is_number()) flat[task + "." + metric] = v.get<double>();
    if (flat.empty())
      throw Error("compare: node " + c.nodes.back() + " has no evaluation metrics; run `acc eval " + address + "` first");
    for (const auto& [name, v] : flat) names.insert(name);
    per_node.push_back(std::move(flat));
    keys.push_back(seed_group_key(at.node.lineage));
  }
  c.metrics.assign(names.begin(), names.end());
  for (const auto& metric : c.metrics) {
    std::vector<std::optional<double>> row;
    for (const auto& flat : per_node) {
      const auto it = flat.find(metric);
      row.push_back(it == flat.end() ? std::nullopt : std::optional<double>(it->second));
    }
    c.values.push_back(row);
  }
  std::map<std::string, std::vector<size_t>> by_key;
  std::vector<std::string> order;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (!by_key.count(keys[i])) order.push_back(keys[i]);
    by_key[keys[i]].push_back(i);
  }
  for (const auto& key : order) {
    const auto& members = by_key[key];
    if (members.size() < 2) continue;
    SeedGroup g;
    g.members = members;
    for (const auto& row : c.values) {
      std::vector<double> v;
      for (size_t m : members)
        if (row[m]) v.push_back(*row[m]);
      g.stats.push_back(v.size() >= 2 ? std::optional<MetricStats>(metric_stats(v)) : std::nullopt);
    }
    c.groups.push_back(g);
  }
  const auto group_values = [&](const SeedGroup& g, size_t r) {
    std::vector<double> v;
    for (size_t m : g.members)
      if (c.values[r][m]) v.push_back(*c.values[r][m]);
    return v;
  };
  for (size_t k = 1; k < c.groups.size(); ++k) {
    std::vector<std::optional<GroupDifference>> row;
    for (size_t r = 0; r < c.metrics.size(); ++r)
      row.push_back(welch_difference(group_values(c.groups[0], r), group_values(c.groups[k], r)));
    c.group_differences.push_back(row);
  }
  return c;
}

nlohmann::json Comparison::to_json() const {
  nlohmann::json rows = nlohmann::json::array();
  for (size_t r = 0; r < metrics.size(); ++r) {
    nlohmann::json values_j = nlohmann::json::array(), diffs = nlohmann::json::array();
    for (size_t n = 0; n < nodes.size(); ++n) {
      values_j.push_back(values[r][n] ? nlohmann::json(*values[r][n]) : nlohmann::json());
      diffs.push_back(values[r][n] && values[r][0] ? nlohmann::json(*values[r][n] - *values[r][0]) : nlohmann::json());
    }
    rows.push_back({{"metric", metrics[r]}, {"values", values_j}, {"diff_vs_first", diffs}});
  }
  nlohmann::json groups_j = nlohmann::json::array();
  for (const auto& g : groups) {
    nlohmann::json members = nlohmann::json::array(), stats = nlohmann::json::object();
    for (size_t m : g.members) members.push_back(nodes[m]);
    for (size_t r = 0; r < metrics.size(); ++r)
      if (g.stats[r])
        stats[metrics[r]] = {{"n", g.stats[r]->n},
                             {"mean", g.stats[r]->mean},
                             {"std", g.stats[r]->std},
                             {"ci95", {g.stats[r]->ci_low, g.stats[r]->ci_high}}};
    groups_j.push_back({{"members", members}, {"stats", stats}});
  }
  nlohmann::json differences = nlohmann::json::array();
  for (size_t k = 0; k < group_differences.size(); ++k) {
    nlohmann::json stats = nlohmann::json::object();
    for (size_t r = 0; r < metrics.size(); ++r)
      if (const auto& d = group_differences[k][r])
        stats[metrics[r]] = {{"diff", d->diff}, {"ci95", {d->ci_low, d->ci_high}}, {"df", d->df}, {"significant", d->significant}};
    differences.push_back({{"group", k + 2}, {"minus_group", 1}, {"method", "welch"}, {"stats", stats}});
  }
  return {{"nodes", nodes}, {"rows", rows}, {"seed_groups", groups_j}, {"group_differences", differences}};
}

namespace {

std::string number(std::optional<double> v, bool signed_ = false) {
  if (!v) return "-";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, signed_ ? "%+.4g" : "%.4g", *v);
  return buffer;
}

std::string pad(const std::string& s, size_t width) { return s.size() >= width ? s : s + std::string(width - s.size(), ' '); }

}  // namespace

std::string Comparison::table() const {
  std::vector<std::vector<std::string>> cells;
  std::vector<std::string> header = {"metric"};
  for (const auto& n : nodes) header.push_back(n);
  for (size_t n = 1; n < nodes.size(); ++n) header.push_back("diff " + std::to_string(n + 1) + "-1");
  cells.push_back(header);
  for (size_t r = 0; r < metrics.size(); ++r) {
    std::vector<std::string> line = {metrics[r]};
    for (size_t n = 0; n < nodes.size(); ++n) line.push_back(number(values[r][n]));
    for (size_t n = 1; n < nodes.size(); ++n)
      line.push_back(values[r][n] && values[r][0] ? number(*values[r][n] - *values[r][0], true) : "-");
    cells.push_back(line);
  }
  std::vector<size_t> width(header.size(), 0);
  for (const auto& line : cells)
    for (size_t i = 0; i < line.size(); ++i) width[i] = std::max(width[i], line[i].size());
  std::ostringstream os;
  for (const auto& line : cells) {
    for (size_t i = 0; i < line.size(); ++i) os << pad(line[i], width[i] + 2);
    os << "\n";
  }
  for (size_t g = 0; g < groups.size(); ++g) {
    os << "\nseed group " << g + 1 << ":";
    for (size_t m : groups[g].members) os << " " << nodes[m];
    os << "\n";
    for (size_t r = 0; r < metrics.size(); ++r) {
      if (!groups[g].stats[r]) continue;
      const MetricStats& s = *groups[g].stats[r];
      os << "  " << pad(metrics[r], width[0]) << "  mean " << number(s.mean) << "  std " << number(s.std) << "  95% CI ["
         << number(s.ci_low) << ", " << number(s.ci_high) << "]  n " << s.n << "\n";
    }
  }
  for (size_t k = 0; k < group_differences.size(); ++k) {
    os << "\nseed group " << k + 2 << " - seed group 1 (Welch 95% CI; * = excludes 0):\n";
    for (size_t r = 0; r < metrics.size(); ++r) {
      if (!group_differences[k][r]) continue;
      const GroupDifference& d = *group_differences[k][r];
      os << "  " << pad(metrics[r], width[0]) << "  diff " << number(d.diff, true) << "  95% CI [" << number(d.ci_low)
         << ", " << number(d.ci_high) << "]" << (d.significant ? " *" : "") << "\n";
    }
  }
  return os.str();
}

}  // namespace acc
