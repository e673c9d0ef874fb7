// Distance-based rasterisation of strokes and filled shapes; see raster.h. Plain loops over
// each primitive's bounding box rather than tensor expressions over the whole grid: a stroke
// touches a fraction of the pixels, and elementwise torch ops on [N, S, S] would stream a
// dozen full-size temporaries through memory per segment (measured ~10x slower). Images are
// independent, so they are spread over threads without affecting the result.
#include "data/raster.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace acc {

namespace {

// Pixel rows/columns whose centres lie within [lo, hi], clipped to the image.
std::pair<int64_t, int64_t> pixel_range(float lo, float hi, int64_t size) {
  const auto first = std::max<int64_t>(0, int64_t(std::ceil(lo - 0.5f)));
  const auto last = std::min<int64_t>(size - 1, int64_t(std::floor(hi - 0.5f)));
  return {first, last};
}

// Coverage from a signed distance to the edge (negative inside): half covered on the edge.
float coverage(float signed_distance) { return std::clamp(0.5f - signed_distance, 0.f, 1.f); }

void stroke_image(const float* segs, int64_t k, float width, int64_t size, float* out) {
  constexpr float kFar = std::numeric_limits<float>::infinity();
  std::vector<float> dist2(size_t(size * size), kFar);
  const float reach = width / 2 + 1;  // beyond this a pixel gets no ink
  for (int64_t s = 0; s < k; ++s) {
    const float ax = segs[4 * s], ay = segs[4 * s + 1];
    const float dx = segs[4 * s + 2] - ax, dy = segs[4 * s + 3] - ay;
    const float len2 = dx * dx + dy * dy + 1e-12f;
    const auto [i0, i1] =
        pixel_range(std::min(ay, ay + dy) - reach, std::max(ay, ay + dy) + reach, size);
    const auto [j0, j1] =
        pixel_range(std::min(ax, ax + dx) - reach, std::max(ax, ax + dx) + reach, size);
    for (int64_t i = i0; i <= i1; ++i) {
      const float py = float(i) + 0.5f - ay;
      for (int64_t j = j0; j <= j1; ++j) {
        const float px = float(j) + 0.5f - ax;
        // Closest point on the segment (round caps come from clamping t).
        const float t = std::clamp((px * dx + py * dy) / len2, 0.f, 1.f);
        const float ex = px - t * dx, ey = py - t * dy;
        float& d = dist2[size_t(i * size + j)];
        d = std::min(d, ex * ex + ey * ey);
      }
    }
  }
  for (int64_t p = 0; p < size * size; ++p)
    if (dist2[size_t(p)] != kFar) out[p] = coverage(std::sqrt(dist2[size_t(p)]) - width / 2);
}

// Signed distance to shape `kind` of circumradius r, at offset (px, py) from its centre.
float shape_distance(int64_t kind, float px, float py, float r) {
  switch (ShapeKind(kind)) {
    case ShapeKind::kSquare: {  // exact box distance
      const float half = r / std::sqrt(2.f);
      const float qx = std::abs(px) - half, qy = std::abs(py) - half;
      const float ox = std::max(qx, 0.f), oy = std::max(qy, 0.f);
      return std::sqrt(ox * ox + oy * oy) + std::min(std::max(qx, qy), 0.f);
    }
    case ShapeKind::kCircle:
      return std::sqrt(px * px + py * py) - 0.8f * r;
    case ShapeKind::kTriangle: {
      // Largest distance past the three edge lines (outward normals opposite each vertex;
      // the inradius is r / 2). Exact on and inside the edges, where anti-aliasing looks.
      const float s = std::sqrt(3.f) / 2;
      const float d = std::max({py, -s * px - 0.5f * py, s * px - 0.5f * py});
      return d - r / 2;
    }
  }
  TORCH_CHECK(false, "render_shapes: unknown shape kind ", kind);
}

}  // namespace

torch::Tensor render_strokes(const torch::Tensor& segments, const torch::Tensor& width,
                             int64_t size) {
  TORCH_CHECK(segments.dim() == 3 && segments.size(2) == 4 && segments.size(1) > 0,
              "render_strokes: segments must be [N, K, 4], got ", segments.sizes());
  TORCH_CHECK(width.dim() == 1 && width.size(0) == segments.size(0),
              "render_strokes: width must be [N]");
  const auto segs = segments.to(torch::kFloat32).contiguous();
  const auto w = width.to(torch::kFloat32).contiguous();
  const int64_t n = segs.size(0), k = segs.size(1);
  auto out = torch::zeros({n, size, size}, torch::kFloat32);
  const float* seg_data = segs.data_ptr<float>();
  const float* w_data = w.data_ptr<float>();
  float* out_data = out.data_ptr<float>();
  at::parallel_for(0, n, /*grain_size=*/64, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i)
      stroke_image(seg_data + i * k * 4, k, w_data[i], size, out_data + i * size * size);
  });
  return out;
}

torch::Tensor render_shapes(const torch::Tensor& kind, const torch::Tensor& cx,
                            const torch::Tensor& cy, const torch::Tensor& radius, int64_t size) {
  const int64_t n = kind.size(0);
  TORCH_CHECK(cx.size(0) == n && cy.size(0) == n && radius.size(0) == n,
              "render_shapes: kind, cx, cy and radius must all be [N]");
  const auto kinds = kind.to(torch::kInt64).contiguous();
  const auto xs = cx.to(torch::kFloat32).contiguous(), ys = cy.to(torch::kFloat32).contiguous();
  const auto rs = radius.to(torch::kFloat32).contiguous();
  auto out = torch::zeros({n, size, size}, torch::kFloat32);
  const int64_t* kind_data = kinds.data_ptr<int64_t>();
  const float *x_data = xs.data_ptr<float>(), *y_data = ys.data_ptr<float>(),
              *r_data = rs.data_ptr<float>();
  float* out_data = out.data_ptr<float>();
  at::parallel_for(0, n, /*grain_size=*/64, [&](int64_t begin, int64_t end) {
    for (int64_t m = begin; m < end; ++m) {
      // Every shape lies inside its circumcircle; one pixel more covers the anti-aliased rim.
      const float x = x_data[m], y = y_data[m], reach = r_data[m] + 1;
      const auto [i0, i1] = pixel_range(y - reach, y + reach, size);
      const auto [j0, j1] = pixel_range(x - reach, x + reach, size);
      float* img = out_data + m * size * size;
      for (int64_t i = i0; i <= i1; ++i)
        for (int64_t j = j0; j <= j1; ++j)
          img[i * size + j] = coverage(
              shape_distance(kind_data[m], float(j) + 0.5f - x, float(i) + 0.5f - y, r_data[m]));
    }
  });
  return out;
}

}  // namespace acc
