// Exact kNN: a float32 matrix product proposes candidates, float64 distances decide. See
// knn.h for the contract.
//
// Per row chunk the product gives approximate scores; a threshold scan keeps a few more
// than k candidates, whose distances are recomputed exactly and sorted by (distance, index).
// A rigorous rounding bound then proves no point outside the candidates can beat the k-th:
// every outsider's score is at least the worst candidate's, so its true distance is at
// least that minus the bound. The rare row the proof fails for (near-ties at the k-th
// neighbour, duplicated points) is settled by ranking exactly every point whose score
// could put it among the k nearest.
#include "analysis/knn.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "error.h"

namespace acc {

namespace {

// A ~16 MB block: fits the last-level cache while its rows are scanned.
constexpr int64_t kBlockBytes = int64_t{16} << 20;
// Unit roundoff of float32, 2^-24.
constexpr double kUnitRoundoff = 5.9604644775390625e-08;
constexpr float kInf = std::numeric_limits<float>::infinity();

using Neighbour = std::pair<double, int64_t>;  // (squared distance, index): compared as a pair
using Candidate = std::pair<float, int64_t>;   // (score, index)

// Extra candidates beyond k: enough that the proof above almost always holds, few enough
// that the exact recomputation stays cheap.
int64_t candidate_count(int64_t n, int64_t k) { return std::min(n - 1, k + std::max<int64_t>(8, k)); }

// Keeps `kk` candidates of one row with every other score >= the largest kept one, and
// returns that largest score. A running threshold (the kk-th best so far) rejects almost
// every score: each run of kRun scores costs one vectorised comparison count, and only runs
// with a score under the threshold are walked one by one. The buffer is cut back to kk
// whenever it grows to 4 kk.
ACC_SIMD_CLONES
float select_candidates(const float* product_row, const float* sq_norms, int64_t n, int64_t kk,
                        std::vector<Candidate>& kept) {
  constexpr int64_t kRun = 64;
  kept.clear();
  float threshold = kInf;
  const auto shrink = [&] {
    std::nth_element(kept.begin(), kept.begin() + (kk - 1), kept.end());
    kept.resize(static_cast<size_t>(kk));
    threshold = kept[kk - 1].first;
  };
  float scores[knn_detail::kTile];
  for (int64_t first = 0; first < n; first += knn_detail::kTile) {
    const int64_t len = std::min(knn_detail::kTile, n - first);
    knn_detail::row_scores(product_row, sq_norms, first, len, scores);
    for (int64_t run = 0; run < len; run += kRun) {
      const float* s = scores + run;
      const int64_t run_len = std::min(kRun, len - run);
      int32_t hits = 0;
      for (int64_t c = 0; c < run_len; ++c) hits += s[c] < threshold;
      if (hits == 0) continue;
      for (int64_t c = 0; c < run_len; ++c) {
        if (!(s[c] < threshold)) continue;
        kept.emplace_back(s[c], first + run + c);
        if (static_cast<int64_t>(kept.size()) == 4 * kk) shrink();
      }
    }
  }
  TORCH_CHECK(static_cast<int64_t>(kept.size()) >= kk, "exact_knn: fewer than ", kk,
              " finite scores in a row (overflow in the data?)");
  if (static_cast<int64_t>(kept.size()) > kk) shrink();
  float worst = -kInf;
  for (const auto& c : kept) worst = std::max(worst, c.first);
  return worst;
}

// Every point of a row whose score is <= bound, for rows the candidate proof failed. Same
// run-by-run scan as select_candidates, with a fixed threshold.
ACC_SIMD_CLONES
void collect_up_to(const float* product_row, const float* sq_norms, int64_t n, float bound,
                   std::vector<int64_t>& out) {
  constexpr int64_t kRun = 64;
  out.clear();
  float scores[knn_detail::kTile];
  for (int64_t first = 0; first < n; first += knn_detail::kTile) {
    const int64_t len = std::min(knn_detail::kTile, n - first);
    knn_detail::row_scores(product_row, sq_norms, first, len, scores);
    for (int64_t run = 0; run < len; run += kRun) {
      const float* s = scores + run;
      const int64_t run_len = std::min(kRun, len - run);
      int32_t hits = 0;
      for (int64_t c = 0; c < run_len; ++c) hits += s[c] <= bound;
      if (hits == 0) continue;
      for (int64_t c = 0; c < run_len; ++c)
        if (s[c] <= bound) out.push_back(first + run + c);
    }
  }
}

}  // namespace

double squared_distance(const float* a, const float* b, int64_t dims) {
  double sum = 0;
  for (int64_t c = 0; c < dims; ++c) {
    const double diff = static_cast<double>(a[c]) - static_cast<double>(b[c]);
    sum += diff * diff;
  }
  return sum;
}

namespace knn_detail {

double ScoringSpace::slack(int64_t i) const {
  return slack_factor * (sq_exact.data_ptr<double>()[i] + max_sq);
}

ScoringSpace scoring_space(const torch::Tensor& x) {
  const auto x64 = x.to(torch::kFloat64);
  const auto centred64 = x64 - x64.mean(0);
  ScoringSpace space;
  space.centred = centred64.to(torch::kFloat32).contiguous();
  space.scaled = (-2.0 * space.centred).contiguous();
  space.sq_norms = space.centred.square().sum(1).contiguous();
  space.sq_exact = centred64.square().sum(1).contiguous();
  space.max_sq = space.sq_exact.max().item<double>();
  // Forward error of |c_l|^2 - 2 <c_i, c_l> in float32 with D-term dot products is about
  // (2D + 2) u (|c_i|^2 + |c_l|^2); rounding the centred data to float32 adds ~5u times the
  // same, and |c_i|^2 is taken in float64. Twice that, plus margin, keeps the proof rigorous
  // whatever order the BLAS adds in (FMA only makes it tighter).
  space.slack_factor = (4.0 * static_cast<double>(x.size(1)) + 32.0) * kUnitRoundoff;
  return space;
}

void product_block(const ScoringSpace& space, int64_t start, int64_t rows, torch::Tensor& block) {
  TORCH_CHECK(block.is_contiguous() && block.size(0) == rows && block.size(1) == space.centred.size(0),
              "product_block: block must be a contiguous [", rows, ", N] buffer");
  torch::mm_out(block, space.centred.narrow(0, start, rows), space.scaled.t());
  block.narrow(1, start, rows).diagonal().fill_(kInf);
}

float float_down(double v) {
  const float f = static_cast<float>(v);
  return static_cast<double>(f) > v ? std::nextafter(f, -kInf) : f;
}

float float_up(double v) {
  const float f = static_cast<float>(v);
  return static_cast<double>(f) < v ? std::nextafter(f, kInf) : f;
}

int64_t rows_per_block(int64_t n) {
  return std::max<int64_t>(1, kBlockBytes / (n * static_cast<int64_t>(sizeof(float))));
}

}  // namespace knn_detail

Knn exact_knn(const torch::Tensor& x_in, int64_t k, int64_t chunk_rows) {
  TORCH_CHECK(x_in.dim() == 2, "exact_knn: expected [N, D], got ", x_in.sizes());
  TORCH_CHECK(x_in.is_floating_point(), "exact_knn: expected floating-point points");
  const int64_t n = x_in.size(0);
  const int64_t d = x_in.size(1);
  TORCH_CHECK(k >= 1 && k <= n - 1, "exact_knn: k must be in [1, N - 1 = ", n - 1, "], got ", k);
  if (!torch::isfinite(x_in).all().item<bool>())
    throw Error("exact_knn: the points contain NaN or Inf (did the model diverge?)",
                ExitCode::kFailure);

  const auto x = x_in.to(torch::kFloat32).contiguous();
  const float* xp = x.data_ptr<float>();
  const auto space = knn_detail::scoring_space(x);
  const double* sq_exact = space.sq_exact.data_ptr<double>();
  const float* sq_norms = space.sq_norms.data_ptr<float>();
  const int64_t kk = candidate_count(n, k);
  const int64_t chunk = chunk_rows > 0 ? std::min(chunk_rows, n) : knn_detail::rows_per_block(n);

  auto indices = torch::empty({n, k}, torch::kInt64);
  auto distances = torch::empty({n, k}, torch::kFloat32);
  int64_t* out_index = indices.data_ptr<int64_t>();
  float* out_distance = distances.data_ptr<float>();
  auto buffer = torch::empty({chunk, n}, torch::kFloat32);

  for (int64_t start = 0; start < n; start += chunk) {
    const int64_t rows = std::min(chunk, n - start);
    auto block = buffer.narrow(0, 0, rows);
    knn_detail::product_block(space, start, rows, block);
    const float* bp = block.data_ptr<float>();

    // Rows are independent and each writes only its own output row, so the result does not
    // depend on how the rows are split across threads.
    at::parallel_for(0, rows, /*grain_size=*/4, [&](int64_t begin, int64_t end) {
      std::vector<Candidate> kept;
      std::vector<Neighbour> candidates;
      std::vector<int64_t> near;
      for (int64_t r = begin; r < end; ++r) {
        const int64_t i = start + r;
        const float* product_row = bp + r * n;
        const auto exact = [&](int64_t l) -> Neighbour {
          return {squared_distance(xp + i * d, xp + l * d, d), l};
        };
        const double worst = select_candidates(product_row, sq_norms, n, kk, kept);
        candidates.clear();
        for (const auto& c : kept) candidates.push_back(exact(c.second));
        std::partial_sort(candidates.begin(), candidates.begin() + k, candidates.end());
        const double kth = candidates[k - 1].first;
        // Every outsider l has score >= worst, so d2(i, l) >= worst + |c_i|^2 - slack. When
        // that exceeds the k-th candidate's distance, no outsider can displace or tie it.
        const bool proven = kk == n - 1 || worst + sq_exact[i] - space.slack(i) > kth;
        if (!proven) {
          // The true k nearest all have d2 <= kth, hence score <= kth - |c_i|^2 + slack:
          // rank every point under that bound exactly (a near-tie's few, or duplicates).
          collect_up_to(product_row, sq_norms, n,
                        knn_detail::float_up(kth - sq_exact[i] + space.slack(i)), near);
          candidates.clear();
          for (const int64_t l : near) candidates.push_back(exact(l));
          TORCH_CHECK(static_cast<int64_t>(candidates.size()) >= k,
                      "exact_knn: rounding bound violated in row ", i);
          std::partial_sort(candidates.begin(), candidates.begin() + k, candidates.end());
        }
        for (int64_t c = 0; c < k; ++c) {
          out_index[i * k + c] = candidates[c].second;
          out_distance[i * k + c] = static_cast<float>(std::sqrt(candidates[c].first));
        }
      }
    });
  }
  return {indices, distances};
}

}  // namespace acc
