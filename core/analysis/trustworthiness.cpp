// Trustworthiness without an N x N rank matrix; see trustworthiness.h for the definition.
//
// For row i only the ranks of its (at most k) embedded neighbours j are needed, and
// r(i, j) = 1 + #{l : (d2(i, l), l) < (d2(i, j), j)}. The float32 score block from
// knn_detail gives every d2(i, l) to within a proven slack, so one vectorised pass per row
// counts the points certainly closer than each threshold and finds the few inside the
// +-slack band around it, whose exact distance then decides. Ranks are integers, so the
// sum is exact.
#include "analysis/trustworthiness.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "error.h"

namespace acc {

namespace {

// One neighbour j of row i whose original-space rank is wanted, with its band in score space.
struct Query {
  int64_t j = 0;
  double d2 = 0;           // exact squared distance from i to j
  float lo = 0, hi = 0;    // scores < lo are certainly closer than j; > hi certainly farther
  int64_t closer = 0;      // points l != i, j ordered before j: (d2(i, l), l) < (d2, j)
};

// Adds to q.closer the points of one tile inside q's band (other than j) that are exactly
// closer than j. Runs of kRun scores are tested with a vectorised count first, so only the
// run holding a band member is walked one score at a time.
ACC_SIMD_CLONES
void settle_band(const float* x, int64_t d, int64_t i, const float* scores, int64_t first,
                 int64_t len, Query& q) {
  constexpr int64_t kRun = 64;
  for (int64_t run = 0; run < len; run += kRun) {
    const float* s = scores + run;
    const int64_t run_len = std::min(kRun, len - run);
    int32_t inside = 0;
    for (int64_t c = 0; c < run_len; ++c) inside += (s[c] >= q.lo) & (s[c] <= q.hi);
    if (inside == 0) continue;
    for (int64_t c = 0; c < run_len; ++c) {
      const int64_t l = first + run + c;
      if (l == q.j || s[c] < q.lo || s[c] > q.hi) continue;
      const double d2 = squared_distance(x + i * d, x + l * d, d);
      q.closer += d2 < q.d2 || (d2 == q.d2 && l < q.j);
    }
  }
}

// Counts `closer` for every query of row i from one row of the product block. Per tile of
// scores, each query costs two vectorised comparison counts; the band between them holds j
// itself (when j is in the tile) and, rarely, near-ties, which are settled exactly.
ACC_SIMD_CLONES
void count_closer(const float* x, int64_t d, int64_t i, const float* product_row,
                  const float* sq_norms, int64_t n, std::vector<Query>& queries) {
  for (auto& q : queries) q.closer = 0;
  float scores[knn_detail::kTile];
  for (int64_t first = 0; first < n; first += knn_detail::kTile) {
    const int64_t len = std::min(knn_detail::kTile, n - first);
    knn_detail::row_scores(product_row, sq_norms, first, len, scores);
    for (auto& q : queries) {
      const float lo = q.lo, hi = q.hi;
      int32_t below = 0, upto = 0;  // int32 and no branches: the loop vectorises
      for (int64_t c = 0; c < len; ++c) {
        below += scores[c] < lo;
        upto += scores[c] <= hi;
      }
      q.closer += below;
      const bool j_here = q.j >= first && q.j < first + len;
      if (upto - below > static_cast<int32_t>(j_here))
        settle_band(x, d, i, scores, first, len, q);
    }
  }
}

// Sum over row i's queries of max(0, r(i, j) - k), r(i, j) = 1 + closer.
int64_t row_penalty(const float* x, int64_t d, int64_t n, int64_t i, int64_t k,
                    const float* product_row, const float* sq_norms, std::vector<Query>& queries) {
  // j's own score must sit in its band, or the tile counts above would miscount it.
  for (const auto& q : queries) {
    const float score = product_row[q.j] + sq_norms[q.j];
    TORCH_CHECK(score >= q.lo && score <= q.hi, "trustworthiness: rounding bound violated at (",
                i, ", ", q.j, ")");
  }
  count_closer(x, d, i, product_row, sq_norms, n, queries);
  int64_t penalty = 0;
  for (const auto& q : queries) penalty += std::max<int64_t>(0, 1 + q.closer - k);
  return penalty;
}

// First k columns of a precomputed Knn, checked against the data it claims to describe.
torch::Tensor knn_columns(const Knn& knn, int64_t n, int64_t k, const char* which) {
  TORCH_CHECK(knn.indices.dim() == 2 && knn.indices.size(0) == n && knn.indices.size(1) >= k,
              "trustworthiness: ", which, " kNN must be [", n, ", >= ", k, "], got ",
              knn.indices.sizes());
  auto columns = knn.indices.narrow(1, 0, k).to(torch::kInt64).contiguous();
  TORCH_CHECK(!(columns == torch::arange(n, torch::kInt64).unsqueeze(1)).any().item<bool>(),
              "trustworthiness: the ", which, " kNN lists a point as its own neighbour");
  return columns;
}

}  // namespace

double trustworthiness(const torch::Tensor& original, const torch::Tensor& embedded, int64_t k,
                       const Knn* original_knn, const Knn* embedded_knn) {
  TORCH_CHECK(original.dim() == 2 && embedded.dim() == 2 && original.size(0) == embedded.size(0),
              "trustworthiness: expected original [N, D] and embedded [N, d], got ",
              original.sizes(), " and ", embedded.sizes());
  const int64_t n = original.size(0);
  const int64_t d = original.size(1);
  TORCH_CHECK(k >= 1 && 2 * k < n, "trustworthiness: k must satisfy 1 <= k < N / 2 = ", n / 2.0,
              ", got ", k);
  if (!torch::isfinite(original).all().item<bool>())
    throw Error("trustworthiness: the original points contain NaN or Inf (did the model diverge?)",
                ExitCode::kFailure);

  const auto embedded_nn = embedded_knn ? knn_columns(*embedded_knn, n, k, "embedded")
                                        : exact_knn(embedded, k).indices;
  // A neighbour shared with the original kNN ranks <= k and costs nothing: skip it.
  torch::Tensor shared;
  if (original_knn) {
    const auto original_nn = knn_columns(*original_knn, n, k, "original");
    shared = (embedded_nn.unsqueeze(2) == original_nn.unsqueeze(1)).any(2).contiguous();
  }

  const auto x = original.to(torch::kFloat32).contiguous();
  const float* xp = x.data_ptr<float>();
  const auto space = knn_detail::scoring_space(x);
  const double* sq_exact = space.sq_exact.data_ptr<double>();
  const int64_t* nn = embedded_nn.data_ptr<int64_t>();
  const bool* skip = shared.defined() ? shared.data_ptr<bool>() : nullptr;
  const float* sq_norms = space.sq_norms.data_ptr<float>();
  const int64_t chunk = knn_detail::rows_per_block(n);
  auto buffer = torch::empty({std::min(chunk, n), n}, torch::kFloat32);

  int64_t total = 0;
  for (int64_t start = 0; start < n; start += chunk) {
    const int64_t rows = std::min(chunk, n - start);
    auto block = buffer.narrow(0, 0, rows);
    knn_detail::product_block(space, start, rows, block);
    const float* bp = block.data_ptr<float>();
    // Integer partial sums: the total is the same however the rows are split.
    std::vector<int64_t> partial(static_cast<size_t>(rows), 0);
    at::parallel_for(0, rows, /*grain_size=*/4, [&](int64_t begin, int64_t end) {
      std::vector<Query> queries;
      for (int64_t r = begin; r < end; ++r) {
        const int64_t i = start + r;
        const double slack = space.slack(i);
        queries.clear();
        for (int64_t c = 0; c < k; ++c) {
          if (skip && skip[i * k + c]) continue;
          Query q;
          q.j = nn[i * k + c];
          q.d2 = squared_distance(xp + i * d, xp + q.j * d, d);
          q.lo = knn_detail::float_down(q.d2 - sq_exact[i] - slack);
          q.hi = knn_detail::float_up(q.d2 - sq_exact[i] + slack);
          queries.push_back(q);
        }
        if (!queries.empty())
          partial[r] = row_penalty(xp, d, n, i, k, bp + r * n, sq_norms, queries);
      }
    });
    for (const int64_t p : partial) total += p;
  }
  const double nd = static_cast<double>(n), kd = static_cast<double>(k);
  return 1.0 - static_cast<double>(total) * (2.0 / (nd * kd * (2.0 * nd - 3.0 * kd - 1.0)));
}

}  // namespace acc
