// Exact k-nearest neighbours by brute force: the shared first step of the neighbourhood
// metrics (trustworthiness, local distortion). Brute force is the right tool at acc's sizes
// (N <= ~70,000 points, D = 2..64): a tree does not help in 16+ dimensions, and the
// distance block is one matrix product per row chunk. "Exact" means the answer does not
// depend on rounding in that product: neighbours are ranked by squared_distance() below,
// ties by lower index, so the result is the same on every machine and thread count.
#pragma once

#include <torch/torch.h>

#include <cstdint>

namespace acc {

struct Knn {
  torch::Tensor indices;    // int64 [N, k]; self excluded; ascending distance, ties by lower index
  torch::Tensor distances;  // float32 [N, k]; Euclidean, sqrt of squared_distance()
};

// The one definition of distance every rank in analysis/ is taken by: the sum of squared
// float64 differences of the float32 coordinates, added in index order. Keeping a single
// scalar loop (not a tensor reduction, whose summation order may change with shapes) means
// two code paths never disagree on whether a == b or a < b.
double squared_distance(const float* a, const float* b, int64_t dims);

// Exact kNN of the rows of `x` [N, D] (float, finite; 1 <= k <= N - 1). `chunk_rows`
// rows are scored at a time (0: rows_per_block(N), a ~16 MB distance block); tests pass a
// tiny value to exercise the chunking.
Knn exact_knn(const torch::Tensor& x, int64_t k, int64_t chunk_rows = 0);

// Helpers shared with trustworthiness.cpp, which scans the same distance blocks.
namespace knn_detail {

// x as float32 centred on its mean (centring shrinks the norms the product's rounding error
// scales with), and what the score of a pair is built from:
//   score(i, l) = |c_l|^2 - 2 <c_i, c_l> = d2(i, l) - |c_i|^2,
// which orders row i exactly as the squared distance does. A true squared distance
// d2(i, l) lies within slack(i) of score(i, l) + sq_exact[i].
struct ScoringSpace {
  torch::Tensor centred;   // float32 [N, D], contiguous
  torch::Tensor scaled;    // -2 * centred (a power-of-two scale: exact)
  torch::Tensor sq_norms;  // float32 [N]: |centred_l|^2 as the scores use it
  torch::Tensor sq_exact;  // float64 [N]: |x_l - mean|^2 in float64
  double max_sq = 0;       // max_l sq_exact
  double slack_factor = 0; // error bound = slack_factor * (sq_exact[i] + max_sq)
  double slack(int64_t i) const;
};
ScoringSpace scoring_space(const torch::Tensor& x);

// Fills block [rows, N] with -2 <c_i, c_l> for i = start .. start + rows - 1, and +inf at
// l == i so that a point never counts itself. The caller allocates the block once: a fresh
// multi-MB buffer per chunk would pay its page faults again every time.
void product_block(const ScoringSpace& space, int64_t start, int64_t rows, torch::Tensor& block);

// Scores of one row for columns [first, first + len): out[c] = product[first + c] +
// sq_norms[first + c]. A separate loop so it vectorises; inline so it is compiled into
// each ACC_SIMD_CLONES kernel that uses it.
inline void row_scores(const float* product_row, const float* sq_norms, int64_t first,
                       int64_t len, float* out) {
  for (int64_t c = 0; c < len; ++c) out[c] = product_row[first + c] + sq_norms[first + c];
}

// Largest float <= v and smallest float >= v: score bounds are rounded outwards, so a
// float comparison never excludes a point the float64 bound includes.
float float_down(double v);
float float_up(double v);

// Rows per block: a ~16 MB float32 block, small enough to stay in cache while it is
// scanned, big enough for the product to run at full speed.
int64_t rows_per_block(int64_t n);

// The comparison loops over score rows are nearly the whole cost of exact_knn and
// trustworthiness at N = 70,000 (4.9e9 pairs). acc is built for baseline x86-64, whose
// 4-wide SSE2 leaves half the speed unused, so those kernels also get an AVX2 build that
// the loader picks where the CPU has it (GCC/Clang function multiversioning). They only
// add, compare and count, so both builds give bit-identical results.
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define ACC_SIMD_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define ACC_SIMD_CLONES
#endif

// Columns handled per inner pass: 8 KB of scores stay in L1 while every threshold reads them.
constexpr int64_t kTile = 2048;

}  // namespace knn_detail

}  // namespace acc
