// Synthetic datasets with known generative factors, for checking that a representation
// captures (or disentangles) a factor we control exactly. Each generator is a pure function
// of its options: the same seed gives bit-identical images on every run and thread count
// (across platforms too, up to libm's last-bit differences in sin/cos/tan), and the global
// torch RNG is never touched (parameters come from a private std::mt19937_64), so generating
// data cannot perturb a training run's random stream.
//
// All sets are white ink on black, float [N, 1, S, S] in [0, 1]; factors are float [N, F]
// in [0, 1]. Lengths below are quoted at S = 32 px and scale with S.
//   shapes     filled square / circle / triangle; labels 0 / 1 / 2 (num_classes 3); factors
//              x, y (centre, mapped from the range that keeps the largest shape inside the
//              image: [9.96, 22.04] px), scale (circumradius 4.8 – 9.0 px), shape (class / 2).
//   thickness  one anti-aliased stroke, a random straight or curved arc (quadratic Bézier,
//              13 – 20 px end to end, any orientation); factor thickness = (width - 1) / 4
//              for stroke width 1 – 5 px.
//   slant      an upright glyph (a stem, optionally with a top flag like "1" or a foot
//              serif), 14 – 19 px tall, stroke 1.5 – 3 px, italicised by a horizontal shear;
//              the stem's angle from vertical is theta in [-45°, +45°], positive leaning
//              right (top to the right of the bottom, like italic type); factor
//              slant = (theta + 45°) / 90°.
#pragma once

#include <string>

#include "data/dataset.h"

namespace acc {

struct SyntheticOptions {
  int64_t n = 5000;  // total images, split into train and test
  int64_t seed = 0;
  int64_t image_size = 32;     // at least 16
  double test_fraction = 0.2;  // share of the n images that go to test, in (0, 1)
};

Dataset make_shapes(const SyntheticOptions& options);
Dataset make_thickness(const SyntheticOptions& options);
Dataset make_slant(const SyntheticOptions& options);

}  // namespace acc
