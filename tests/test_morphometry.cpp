// Morphometry (core/analysis/morphometry.h) checked against images whose truth is known:
// single strokes drawn at a given width and angle, and the thickness and slant generators,
// whose drawn width and angle must be what the measures follow.
#include <gtest/gtest.h>

#include <cmath>

#include "analysis/morphometry.h"
#include "data/raster.h"
#include "data/synthetic.h"
#include "test_util.h"

namespace acc {
namespace {

constexpr double kPi = 3.14159265358979323846;

// One straight stroke through the centre of a 32 px image, 16 px tall, its top leaning
// `degrees` to the right of its bottom, `width` px wide (full width, round caps).
torch::Tensor stroke(double width, double degrees) {
  const double dx = 8 * std::tan(degrees * kPi / 180);
  const torch::Tensor segment = torch::tensor({16 + dx, 8.0, 16 - dx, 24.0}, torch::kFloat).view({1, 1, 4});
  return render_strokes(segment, torch::tensor({float(width)}), 32).unsqueeze(1);
}

double pearson(const torch::Tensor& a, const torch::Tensor& b) {
  const auto x = a.to(torch::kDouble) - a.to(torch::kDouble).mean();
  const auto y = b.to(torch::kDouble) - b.to(torch::kDouble).mean();
  return ((x * y).sum() / (x.norm() * y.norm())).item<double>();
}

TEST(Morphometry, SingleStrokesOfKnownWidthAndAngle) {
  for (const double width : {1.5, 2.0, 3.0, 4.0}) {
    for (const double degrees : {-30.0, -15.0, 0.0, 15.0, 30.0}) {
      SCOPED_TRACE("width " + std::to_string(width) + " angle " + std::to_string(degrees));
      const Morphometry m = measure_morphometry(stroke(width, degrees));
      ASSERT_FALSE(m.empty[0].item<bool>());
      const auto v = m.values[0];
      // The stroke is `width` wide across; horizontally it is width / cos(angle), but the
      // skeleton's distance is to the nearest edge, i.e. across. +1/scale is the documented bias.
      EXPECT_NEAR(v[0].item<double>(), width + 0.25, 0.4) << "thickness";
      EXPECT_NEAR(v[1].item<double>(), degrees, 3.0) << "slant";
      // Skeleton: the 16 px / cos(angle) centre line, less up to a half width at each round
      // cap, plus the 8-connected staircase's excess over a straight line (up to 8%).
      const double centre_line = 16 / std::cos(degrees * kPi / 180);
      EXPECT_NEAR(v[2].item<double>(), centre_line, 0.08 * centre_line + width / 2) << "length";
      // Deslanted: an upright bar, width wide (a little less: the caps are trimmed), 16 + width tall.
      EXPECT_NEAR(v[3].item<double>(), width, 1.0) << "width";
      EXPECT_NEAR(v[4].item<double>(), 16 + width, 1.0) << "height";
    }
  }
}

TEST(Morphometry, ThickerStrokesMeasureThickerAndTheSlantSignFollowsTheLean) {
  const auto thin = measure_morphometry(stroke(1.5, 20)).values[0];
  const auto thick = measure_morphometry(stroke(4.0, -20)).values[0];
  EXPECT_GT(thick[0].item<double>(), thin[0].item<double>() + 2);
  EXPECT_GT(thin[1].item<double>(), 15);   // leaning right
  EXPECT_LT(thick[1].item<double>(), -15);  // leaning left
}

TEST(Morphometry, FollowsTheGeneratorsDrawnWidthAndAngle) {
  SyntheticOptions o;
  o.n = 400;
  o.seed = 3;
  const Dataset thickness = make_thickness(o);
  const Dataset slant = make_slant(o);
  const auto t = measure_morphometry(thickness.train.images);
  const auto s = measure_morphometry(slant.train.images);
  EXPECT_EQ(t.empty.sum().item<int64_t>(), 0);
  EXPECT_EQ(s.empty.sum().item<int64_t>(), 0);
  // factor thickness = (width - 1) / 4; slant = (angle + 45) / 90: linear in the truth.
  const double r_thickness = pearson(t.values.select(1, 0), thickness.train.factors.select(1, 0));
  const double r_slant = pearson(s.values.select(1, 1), slant.train.factors.select(1, 0));
  RecordProperty("pearson_thickness", std::to_string(r_thickness));
  RecordProperty("pearson_slant", std::to_string(r_slant));
  EXPECT_GE(r_thickness, 0.95);
  EXPECT_GE(r_slant, 0.95);
  // In units: the generator's widths are 1..5 px, measured within the documented +0.25 px bias.
  const auto drawn = 1 + 4 * thickness.train.factors.select(1, 0);
  EXPECT_LT((t.values.select(1, 0) - drawn - 0.25).abs().mean().item<double>(), 0.35);
}

TEST(Morphometry, EmptyAndNearEmptyImagesAreZeroNotNaN) {
  auto images = torch::zeros({4, 1, 28, 28});
  images[1][0][10][10] = 0.05;  // a faint speck: below empty_below
  images[2][0][10][10] = 1.0;   // one bright pixel: too small to thin, still measured
  images[3] = 0.5;              // flat grey: no contrast
  const Morphometry m = measure_morphometry(images);
  EXPECT_TRUE(m.empty[0].item<bool>());
  EXPECT_TRUE(m.empty[1].item<bool>());
  EXPECT_FALSE(m.empty[2].item<bool>());
  EXPECT_TRUE(m.empty[3].item<bool>());
  EXPECT_FALSE(torch::isnan(m.values).any().item<bool>());
  EXPECT_EQ(m.values[0].abs().sum().item<double>(), 0.0);
  EXPECT_GT(m.values[2][0].item<double>(), 0.0);  // the pixel has a thickness
}

TEST(Morphometry, RefusesColourImagesAndBadOptions) {
  EXPECT_NE(test::error_of([] { measure_morphometry(torch::zeros({2, 3, 28, 28})); }).find("grey images"),
            std::string::npos);
  MorphometryOptions o;
  o.threshold = 1.5;
  EXPECT_NE(test::error_of([&] { measure_morphometry(torch::zeros({1, 28, 28}), o); }).find("threshold"),
            std::string::npos);
}

TEST(Morphometry, SameNumbersOnAnyThreadCount) {
  SyntheticOptions o;
  o.n = 200;
  const Dataset slant = make_slant(o);
  const int before = at::get_num_threads();
  at::set_num_threads(1);
  const auto one = measure_morphometry(slant.train.images).values;
  at::set_num_threads(2);
  const auto two = measure_morphometry(slant.train.images).values;
  at::set_num_threads(before);
  EXPECT_TRUE(torch::equal(one, two));
}

}  // namespace
}  // namespace acc
