// The assignment problem: pick at most one cell per row and per column of a rectangular
// matrix so that the picked cells' sum is largest (Kuhn 1955, Munkres 1957; the O(n^2 m)
// shortest-augmenting-path form with row/column potentials). Small enough to write here;
// the only packaged C++ implementations are inside much larger libraries (dlib, OR-tools).
// Used to match mixture components to class labels for clustering accuracy.
#pragma once

#include <cstdint>
#include <vector>

namespace acc {

// For a matrix of `rows` x `cols` values, the column matched to each row, or -1 for rows
// left unmatched (only when rows > cols: min(rows, cols) pairs are always made). The sum of
// the matched values is the largest possible. Ties are broken deterministically.
std::vector<int64_t> max_weight_matching(const std::vector<std::vector<double>>& weights);

}  // namespace acc
