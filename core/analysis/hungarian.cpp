// Hungarian algorithm (minimum-cost form on the negated weights); see hungarian.h.
#include "analysis/hungarian.h"

#include <limits>
#include <stdexcept>

namespace acc {
namespace {

// Minimum-cost assignment of every row of an n x m cost matrix (n <= m) to a distinct
// column. 1-based internally: row 0 / column 0 are the virtual start of each augmenting path.
std::vector<int64_t> min_cost_rows(const std::vector<std::vector<double>>& cost, size_t n, size_t m) {
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> u(n + 1, 0.0), v(m + 1, 0.0);
  std::vector<size_t> row_of_col(m + 1, 0), way(m + 1, 0);
  for (size_t i = 1; i <= n; ++i) {
    // Grow a shortest alternating path from row i until it reaches a free column.
    row_of_col[0] = i;
    size_t col = 0;
    std::vector<double> min_slack(m + 1, inf);
    std::vector<bool> used(m + 1, false);
    do {
      used[col] = true;
      const size_t row = row_of_col[col];
      double delta = inf;
      size_t next = 0;
      for (size_t j = 1; j <= m; ++j) {
        if (used[j]) continue;
        const double slack = cost[row - 1][j - 1] - u[row] - v[j];
        if (slack < min_slack[j]) {
          min_slack[j] = slack;
          way[j] = col;
        }
        if (min_slack[j] < delta) {
          delta = min_slack[j];
          next = j;
        }
      }
      for (size_t j = 0; j <= m; ++j) {
        if (used[j]) {
          u[row_of_col[j]] += delta;
          v[j] -= delta;
        } else {
          min_slack[j] -= delta;
        }
      }
      col = next;
    } while (row_of_col[col] != 0);
    // Flip the path: every column on it takes the row that led to it.
    do {
      const size_t prev = way[col];
      row_of_col[col] = row_of_col[prev];
      col = prev;
    } while (col != 0);
  }
  std::vector<int64_t> col_of_row(n, -1);
  for (size_t j = 1; j <= m; ++j)
    if (row_of_col[j] != 0) col_of_row[row_of_col[j] - 1] = static_cast<int64_t>(j - 1);
  return col_of_row;
}

}  // namespace

std::vector<int64_t> max_weight_matching(const std::vector<std::vector<double>>& weights) {
  const size_t rows = weights.size();
  if (rows == 0) return {};
  const size_t cols = weights[0].size();
  for (const auto& r : weights)
    if (r.size() != cols) throw std::invalid_argument("max_weight_matching: rows of different lengths");
  if (cols == 0) return std::vector<int64_t>(rows, -1);
  if (rows <= cols) {
    std::vector<std::vector<double>> cost(rows, std::vector<double>(cols));
    for (size_t i = 0; i < rows; ++i)
      for (size_t j = 0; j < cols; ++j) cost[i][j] = -weights[i][j];
    return min_cost_rows(cost, rows, cols);
  }
  // More rows than columns: match the columns to rows instead, then invert.
  std::vector<std::vector<double>> cost(cols, std::vector<double>(rows));
  for (size_t i = 0; i < rows; ++i)
    for (size_t j = 0; j < cols; ++j) cost[j][i] = -weights[i][j];
  const std::vector<int64_t> row_of_col = min_cost_rows(cost, cols, rows);
  std::vector<int64_t> col_of_row(rows, -1);
  for (size_t j = 0; j < cols; ++j) col_of_row[static_cast<size_t>(row_of_col[j])] = static_cast<int64_t>(j);
  return col_of_row;
}

}  // namespace acc
