// Morphometry of digit images: stroke thickness, slant, length, width and height measured
// from the image itself, after Morpho-MNIST (Castro et al., "Morpho-MNIST: Quantitative
// Assessment and Diagnostics for Representation Learning", JMLR 2019, sec. 2). A pure
// function of an image batch; the same images give the same numbers on every thread count.
//
// Per image (H x W, grey, ink bright on dark):
//   1. Upsample by `scale` (bilinear, pixel centres at (i + 0.5) / scale - 0.5) and binarise
//      at lo + threshold * (hi - lo), lo / hi the image's min / max intensity. Sub-pixel
//      strokes then span several pixels, so widths are not quantised to whole pixels.
//   2. Distance transform: d(p) = Euclidean distance from each ink pixel's centre to the
//      nearest background pixel's centre (exact, Felzenszwalb & Huttenlocher's separable
//      squared-distance transform).
//   3. Skeleton: Zhang–Suen thinning of the binary image (the two-subiteration parallel
//      algorithm, CACM 1984). A blob that thins away entirely keeps its deepest pixel.
//   4. Measures, in pixels of the original image:
//      thickness = 2 * mean of d over the skeleton / scale. As in Morpho-MNIST, a stroke
//                  of width w reads w + 1/scale (a centre pixel is (w*scale + 1)/2 from the
//                  background): +0.25 px at scale 4.
//      length    = skeleton length / scale: each pair of 8-connected skeleton pixels adds
//                  1 (side neighbours) or sqrt 2 (diagonal neighbours).
//      slant     = atan(-u11 / u02) in degrees, from the central second moments of the
//                  binary image (u11 = cov(x, y), u02 = var(y), y pointing down): the
//                  horizontal shear that makes the digit upright. Positive = leaning right
//                  (top to the right of the bottom, like italic type).
//      width     = extent of x' = x - shear * (y - mean y) (the deslanted x) between its
//                  trim/2 and 1 - trim/2 quantiles, + 1 pixel, / scale;
//      height    = the same for y. Trimming (2% of the ink by default, as Morpho-MNIST's
//                  bounding parallelogram) keeps a stray pixel from setting the box.
// Empty images — max intensity below `empty_below`, or max - min below it — have no strokes
// to measure: every measure is 0 and `empty` is true, never NaN.
#pragma once

#include <torch/torch.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace acc {

struct MorphometryOptions {
  int64_t scale = 4;         // upsampling factor before binarising (1 = none)
  double threshold = 0.5;    // relative binarisation level between min and max intensity
  double trim = 0.02;        // share of ink left out of the width/height box (both sides together)
  double empty_below = 0.1;  // images dimmer (or flatter) than this are empty
};

struct Morphometry {
  torch::Tensor values;  // float32 [N, 5], columns morphometry_names()
  torch::Tensor empty;   // bool [N]
};

// thickness, slant, length, width, height — the column order of Morphometry::values.
const std::vector<std::string>& morphometry_names();
// px, deg, px, px, px.
const std::vector<std::string>& morphometry_units();

// images: float [N, 1, H, W] or [N, H, W], ink bright. acc::Error for other shapes or
// options out of range (scale < 1, threshold outside (0, 1), trim outside [0, 0.5)).
Morphometry measure_morphometry(const torch::Tensor& images, const MorphometryOptions& options = {});

// The method and its parameters, for config.json and artifacts.
nlohmann::json morphometry_info(const MorphometryOptions& options);

}  // namespace acc
