// UMAP's SGD layout (see umap_sgd.h). One thread, edges in the graph's row order and one
// random stream, so equal inputs and seed give equal bytes.
#include "analysis/umap_sgd.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace acc::umap_detail {

namespace {

// ---- 4. SGD layout (optimize_layout_euclidean, move_other = true) ----

constexpr double kRepulsionEpsilon = 0.001;

// umap-learn's two gradient coefficients as functions of the squared distance d2 > 0:
//   attract(d2) = -2ab d2^(b-1) / (1 + a d2^b),   repel(d2) = 2 gamma b / ((0.001 + d2)(1 + a d2^b)).
// The SGD is one long dependency chain (each negative sample moves the point the next one
// reads), and pow + a division on that chain cost ~100 ns per sample on our machines. So
// both are tabulated once per run over the float bit pattern of d2, 128 segments per
// octave on [2^-16, 2^16) with linear interpolation (relative error < 1e-4, far below the
// SGD's own noise); outside that range the exact formula runs.
class GradientCoefficients {
 public:
  GradientCoefficients(double a, double b, double gamma) : a_(a), b_(b), gamma_(gamma) {
    const size_t segments = static_cast<size_t>(kMaxExp - kMinExp) << kSegmentBits;
    attract_.resize(segments);
    repel_.resize(segments);
    for (size_t i = 0; i < segments; ++i) {
      const double lo = float_at(kLowBits + (static_cast<uint32_t>(i) << kFracBits));
      const double hi = float_at(kLowBits + (static_cast<uint32_t>(i + 1) << kFracBits));
      attract_[i] = {exact_attract(lo), exact_attract(hi) - exact_attract(lo)};
      repel_[i] = {exact_repel(lo), exact_repel(hi) - exact_repel(lo)};
    }
  }
  float attract(float d2) const { return lookup(attract_, d2, [&](double x) { return exact_attract(x); }); }
  float repel(float d2) const { return lookup(repel_, d2, [&](double x) { return exact_repel(x); }); }

 private:
  static constexpr int kSegmentBits = 7, kMinExp = -16, kMaxExp = 16;
  static constexpr int kFracBits = 23 - kSegmentBits;  // mantissa bits interpolated over
  static constexpr uint32_t kLowBits = static_cast<uint32_t>(kMinExp + 127) << 23;
  static constexpr uint32_t kHighBits = static_cast<uint32_t>(kMaxExp + 127) << 23;
  struct Segment {
    float value, step;  // f at the segment start, f(end) - f(start)
  };
  static float float_at(uint32_t bits) {
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
  }
  float exact_attract(double d2) const {
    const double pb = std::pow(d2, b_);
    return static_cast<float>(-2.0 * a_ * b_ * (pb / d2) / (a_ * pb + 1.0));
  }
  float exact_repel(double d2) const {
    return static_cast<float>(2.0 * gamma_ * b_ / ((kRepulsionEpsilon + d2) * (a_ * std::pow(d2, b_) + 1.0)));
  }
  template <typename Exact>
  static float lookup(const std::vector<Segment>& table, float d2, Exact exact) {
    uint32_t bits;
    std::memcpy(&bits, &d2, sizeof bits);
    if (bits < kLowBits || bits >= kHighBits) return exact(d2);
    const uint32_t offset = bits - kLowBits;
    const Segment& s = table[offset >> kFracBits];
    const float frac = static_cast<float>(offset & ((1u << kFracBits) - 1)) * (1.0f / (1u << kFracBits));
    return s.value + frac * s.step;
  }
  double a_, b_, gamma_;
  std::vector<Segment> attract_, repel_;
};

// Each edge is sampled every max_weight / w epochs; at each sample its endpoints attract
// and the head is pushed away from negative_sample_rate uniformly drawn vertices. The
// schedule, the clip at 4, the 0.001 in the repulsion and the "grad 4 when two points
// coincide" quirk are umap-learn's; the arithmetic is float32 like the embedding.
template <int Dim>
void optimize_layout_dim(std::vector<float>& emb, int64_t n, const Csr& g, const UmapParams& p,
                         double a, double b, int64_t n_epochs, SplitMix64& rng) {
  double max_w = 0;
  for (double w : g.val) max_w = std::max(max_w, w);
  const size_t n_edges = g.col.size();
  const double neg_rate = static_cast<double>(std::max<int64_t>(1, p.negative_sample_rate));
  std::vector<int32_t> head(n_edges);
  std::vector<double> period(n_edges), next(n_edges), neg_period(n_edges), neg_next(n_edges);
  for (int64_t r = 0; r < n; ++r) {
    for (int64_t e = g.row_ptr[r]; e < g.row_ptr[r + 1]; ++e) {
      head[e] = static_cast<int32_t>(r);
      next[e] = period[e] = max_w / g.val[e];
      neg_next[e] = neg_period[e] = period[e] / neg_rate;
    }
  }
  const int32_t* tail = g.col.data();
  const bool negatives = p.negative_sample_rate > 0;
  const GradientCoefficients coefficients(a, b, p.repulsion_strength);
  const auto clip = [](float v) { return std::min(4.0f, std::max(-4.0f, v)); };
  // Uniform vertex from the top 32 random bits by multiply-shift (Lemire 2019): no 64-bit
  // division in the loop.
  const uint64_t n_vertices = static_cast<uint64_t>(n);
  const auto random_vertex = [&] { return ((rng.next() >> 32) * n_vertices) >> 32; };

  float* x = emb.data();
  float alpha = static_cast<float>(p.learning_rate);
  for (int64_t epoch = 0; epoch < n_epochs; ++epoch) {
    const double now = static_cast<double>(epoch);
    for (size_t e = 0; e < n_edges; ++e) {
      if (next[e] > now) continue;
      float* cur = x + static_cast<int64_t>(head[e]) * Dim;
      float* other = x + static_cast<int64_t>(tail[e]) * Dim;
      float diff[Dim], d2 = 0;
      for (int d = 0; d < Dim; ++d) {
        diff[d] = cur[d] - other[d];
        d2 += diff[d] * diff[d];
      }
      const float attract = d2 > 0 ? coefficients.attract(d2) : 0.0f;
      for (int d = 0; d < Dim; ++d) {
        const float step = clip(attract * diff[d]) * alpha;
        cur[d] += step;
        other[d] -= step;
      }
      next[e] += period[e];
      if (!negatives) continue;

      // The head moves through the negative samples in registers: no draw can alias it, as
      // a draw of the head itself is skipped (umap-learn skips it too, at distance 0).
      float c[Dim];
      for (int d = 0; d < Dim; ++d) c[d] = cur[d];
      const auto n_neg = static_cast<int64_t>((now - neg_next[e]) / neg_period[e]);
      for (int64_t s = 0; s < n_neg; ++s) {
        const uint64_t k = random_vertex();
        if (k == static_cast<uint64_t>(head[e])) continue;
        other = x + k * Dim;
        d2 = 0;
        for (int d = 0; d < Dim; ++d) {
          diff[d] = c[d] - other[d];
          d2 += diff[d] * diff[d];
        }
        if (d2 > 0) {
          const float repel = coefficients.repel(d2);
          for (int d = 0; d < Dim; ++d) c[d] += clip(repel * diff[d]) * alpha;
        } else {
          for (int d = 0; d < Dim; ++d) c[d] += 4.0f * alpha;  // coincident points
        }
      }
      for (int d = 0; d < Dim; ++d) cur[d] = c[d];
      neg_next[e] += static_cast<double>(n_neg) * neg_period[e];
    }
    alpha = static_cast<float>(p.learning_rate * (1.0 - now / static_cast<double>(n_epochs)));
  }
}

}  // namespace

void optimize_layout(std::vector<float>& emb, int64_t n, const Csr& g, const UmapParams& p,
                     double a, double b, int64_t n_epochs, SplitMix64& rng) {
  if (p.n_components == 2) {
    optimize_layout_dim<2>(emb, n, g, p, a, b, n_epochs, rng);
  } else {
    optimize_layout_dim<3>(emb, n, g, p, a, b, n_epochs, rng);
  }
}

}  // namespace acc::umap_detail
