// Anti-aliased rasteriser behind the synthetic datasets. Coverage is estimated from the
// distance of each pixel centre to the shape's edge, the usual cheap anti-aliasing: a pixel
// whose centre lies exactly on the edge is half covered. Only pixels within reach of a
// primitive are visited and images are drawn in parallel, so thousands of 32 px images take
// tens of milliseconds; the result does not depend on the thread count.
//
// Coordinates are in pixels, x to the right and y downwards, with pixel (i, j) covering
// [j, j+1) x [i, i+1), so its centre is (j + 0.5, i + 0.5).
#pragma once

#include <torch/torch.h>

namespace acc {

enum class ShapeKind : int64_t { kSquare = 0, kCircle = 1, kTriangle = 2 };

// Strokes made of K line segments per image, with round caps and joins.
// segments: float [N, K, 4] as (ax, ay, bx, by); width: float [N] full stroke width in px.
// An image needing fewer than K segments repeats one (the union is unchanged).
// Returns float [N, size, size] in [0, 1].
torch::Tensor render_strokes(const torch::Tensor& segments, const torch::Tensor& width,
                             int64_t size);

// Filled shapes, each fitting inside the circle of radius `radius` around (cx, cy):
// a square of half-side radius/sqrt(2), a disc of radius 0.8 * radius (so the two have
// nearly equal area) and an upright equilateral triangle with circumradius `radius`
// (centroid at the centre). kind: int64 [N] of ShapeKind values; cx, cy, radius: float [N].
// Returns float [N, size, size] in [0, 1].
torch::Tensor render_shapes(const torch::Tensor& kind, const torch::Tensor& cx,
                            const torch::Tensor& cy, const torch::Tensor& radius, int64_t size);

}  // namespace acc
