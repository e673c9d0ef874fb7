// The synthetic generators: per-image parameters are drawn in a plain C++ loop from a private,
// portable RNG (cheap: a handful of numbers per image), then all images are drawn by the
// rasteriser (raster.h). Ranges are documented in synthetic.h.
#include "data/synthetic.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "data/raster.h"
#include "error.h"

namespace acc {

namespace {

// std::uniform_real_distribution is implementation-defined, so the same seed could give
// different data with another standard library; the conversions here are fixed.
class Rng {
 public:
  // `stream` separates generators so shapes and slant with seed 0 are unrelated.
  Rng(int64_t seed, uint64_t stream) : engine_((uint64_t(seed) * 0x9E3779B97F4A7C15ull) ^ stream) {}
  double uniform() { return double(engine_() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  int64_t below(int64_t n) { return int64_t(engine_() % uint64_t(n)); }

 private:
  std::mt19937_64 engine_;
};

struct Point {
  double x, y;
};
struct Segment {
  Point a, b;
};

constexpr double kPi = 3.14159265358979323846;

void validate(const SyntheticOptions& o, const std::string& generator) {
  const auto fail = [&](const std::string& field, const std::string& rule, const std::string& got) {
    throw Error(generator + ": field '" + field + "' must be " + rule + ", got " + got);
  };
  if (o.n < 2) fail("n", "at least 2 (one train and one test image)", std::to_string(o.n));
  if (o.image_size < 16 || o.image_size > 1024)
    fail("image_size", "between 16 and 1024", std::to_string(o.image_size));
  if (!(o.test_fraction > 0 && o.test_fraction < 1))
    fail("test_fraction", "strictly between 0 and 1", std::to_string(o.test_fraction));
}

// First images go to train, the rest to test; draws are i.i.d., so this is a random split.
Dataset split_dataset(const SyntheticOptions& o, const std::string& generator,
                      const torch::Tensor& images, const torch::Tensor& labels,
                      const torch::Tensor& factors, std::vector<std::string> factor_names) {
  const int64_t n_test =
      std::clamp<int64_t>(std::llround(double(o.n) * o.test_fraction), 1, o.n - 1);
  const int64_t n_train = o.n - n_test;
  const auto take = [&](int64_t start, int64_t end) {
    Split s;
    s.images = images.slice(0, start, end).unsqueeze(1).contiguous();
    if (labels.defined()) s.labels = labels.slice(0, start, end).contiguous();
    s.factors = factors.slice(0, start, end).contiguous();
    return s;
  };
  Dataset ds;
  ds.train = take(0, n_train);
  ds.test = take(n_train, o.n);
  ds.factor_names = std::move(factor_names);
  ds.info = {{"generator", generator},
             {"seed", o.seed},
             {"n", o.n},
             {"image_size", o.image_size},
             {"test_fraction", o.test_fraction},
             {"train_size", n_train},
             {"test_size", n_test}};
  return ds;
}

// Shifts `segs` (drawn around the origin) to a uniformly random spot where their bounding box
// stays `margin` px inside the image, so no ink is clipped.
void place(std::vector<Segment>& segs, double size, double margin, Rng& rng) {
  double x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9;
  for (const auto& s : segs)
    for (const Point& p : {s.a, s.b}) {
      x0 = std::min(x0, p.x), x1 = std::max(x1, p.x);
      y0 = std::min(y0, p.y), y1 = std::max(y1, p.y);
    }
  TORCH_CHECK(x1 - x0 <= size - 2 * margin && y1 - y0 <= size - 2 * margin,
              "synthetic: glyph does not fit the image; the generator's ranges are wrong");
  const double dx = rng.uniform(margin - x0, size - margin - x1);
  const double dy = rng.uniform(margin - y0, size - margin - y1);
  for (auto& s : segs) {
    s.a.x += dx, s.b.x += dx;
    s.a.y += dy, s.b.y += dy;
  }
}

// Quadratic Bézier p0 -> p2 pulled towards p1, flattened into `k` segments.
std::vector<Segment> bezier(Point p0, Point p1, Point p2, int k) {
  const auto at = [&](double t) {
    const double u = 1 - t;
    return Point{u * u * p0.x + 2 * u * t * p1.x + t * t * p2.x,
                 u * u * p0.y + 2 * u * t * p1.y + t * t * p2.y};
  };
  std::vector<Segment> segs;
  for (int i = 0; i < k; ++i) segs.push_back({at(double(i) / k), at(double(i + 1) / k)});
  return segs;
}

// Packs per-image segment lists into [N, K, 4], repeating the first segment as padding.
torch::Tensor pack_segments(const std::vector<std::vector<Segment>>& glyphs) {
  size_t k = 1;
  for (const auto& g : glyphs) k = std::max(k, g.size());
  std::vector<float> buf;
  buf.reserve(glyphs.size() * k * 4);
  for (const auto& g : glyphs)
    for (size_t j = 0; j < k; ++j) {
      const Segment& s = g[j < g.size() ? j : 0];
      buf.insert(buf.end(), {float(s.a.x), float(s.a.y), float(s.b.x), float(s.b.y)});
    }
  return torch::from_blob(buf.data(), {int64_t(glyphs.size()), int64_t(k), 4}, torch::kFloat32)
      .clone();
}

torch::Tensor to_tensor(const std::vector<float>& v, std::vector<int64_t> shape) {
  return torch::from_blob(const_cast<float*>(v.data()), shape, torch::kFloat32).clone();
}

}  // namespace

Dataset make_shapes(const SyntheticOptions& o) {
  validate(o, "shapes");
  Rng rng(o.seed, /*stream=*/1);
  const double size = double(o.image_size), unit = size / 32;
  const double r_min = 0.15 * size, r_max = 0.28 * size;
  // One centre range for every scale, so x and y are independent of scale.
  const double lo = r_max + unit, hi = size - lo;
  std::vector<int64_t> kind(o.n);
  std::vector<float> cx(o.n), cy(o.n), radius(o.n), factors;
  for (int64_t i = 0; i < o.n; ++i) {
    kind[i] = rng.below(3);
    const double fx = rng.uniform(), fy = rng.uniform(), fs = rng.uniform();
    cx[i] = float(lo + fx * (hi - lo));
    cy[i] = float(lo + fy * (hi - lo));
    radius[i] = float(r_min + fs * (r_max - r_min));
    factors.insert(factors.end(), {float(fx), float(fy), float(fs), float(kind[i]) / 2});
  }
  const auto labels = torch::tensor(kind, torch::kInt64);
  const auto images = render_shapes(labels, to_tensor(cx, {o.n}), to_tensor(cy, {o.n}),
                                    to_tensor(radius, {o.n}), o.image_size);
  Dataset ds = split_dataset(o, "shapes", images, labels, to_tensor(factors, {o.n, 4}),
                             {"x", "y", "scale", "shape"});
  ds.num_classes = 3;
  return ds;
}

Dataset make_thickness(const SyntheticOptions& o) {
  validate(o, "thickness");
  Rng rng(o.seed, /*stream=*/2);
  const double size = double(o.image_size), unit = size / 32;
  const double w_min = 1 * unit, w_max = 5 * unit;
  std::vector<std::vector<Segment>> glyphs;
  std::vector<float> width, factors;
  for (int64_t i = 0; i < o.n; ++i) {
    const double f = rng.uniform();
    const double half_len = rng.uniform(0.2, 0.31) * size;
    const double phi = rng.uniform(0, kPi);
    const double bend = rng.uniform(-0.8, 0.8) * half_len;  // 0 = straight line
    const Point dir{std::cos(phi), std::sin(phi)};
    const Point p0{-half_len * dir.x, -half_len * dir.y};
    const Point p1{-bend * dir.y, bend * dir.x};
    glyphs.push_back(bezier(p0, p1, {-p0.x, -p0.y}, /*k=*/8));
    place(glyphs.back(), size, /*margin=*/w_max / 2 + unit, rng);
    width.push_back(float(w_min + f * (w_max - w_min)));
    factors.push_back(float(f));
  }
  const auto images = render_strokes(pack_segments(glyphs), to_tensor(width, {o.n}), o.image_size);
  return split_dataset(o, "thickness", images, {}, to_tensor(factors, {o.n, 1}), {"thickness"});
}

Dataset make_slant(const SyntheticOptions& o) {
  validate(o, "slant");
  Rng rng(o.seed, /*stream=*/3);
  const double size = double(o.image_size), unit = size / 32;
  const double w_max = 3 * unit;
  std::vector<std::vector<Segment>> glyphs;
  std::vector<float> width, factors;
  for (int64_t i = 0; i < o.n; ++i) {
    const double f = rng.uniform();
    const double shear = std::tan((f * 90 - 45) * kPi / 180);
    const double height = rng.uniform(0.45, 0.6) * size;
    const int64_t variant = rng.below(3);
    // Upright glyph in units of its height, v pointing up: the stem, then the extra stroke.
    std::vector<Segment> local = {{{0, -0.5}, {0, 0.5}}};
    if (variant == 1) local.push_back({{0, 0.5}, {-0.25, 0.3}});     // flag, as in "1"
    if (variant == 2) local.push_back({{-0.2, -0.5}, {0.2, -0.5}});  // foot serif
    // Italic shear x += v * tan(theta) keeps heights and turns the stem by theta.
    const auto to_image = [&](Point p) {
      return Point{(p.x + p.y * shear) * height, -p.y * height};
    };
    for (auto& s : local) s = {to_image(s.a), to_image(s.b)};
    place(local, size, /*margin=*/w_max / 2 + unit, rng);
    glyphs.push_back(std::move(local));
    width.push_back(float(rng.uniform(1.5, 3.0) * unit));
    factors.push_back(float(f));
  }
  const auto images = render_strokes(pack_segments(glyphs), to_tensor(width, {o.n}), o.image_size);
  return split_dataset(o, "slant", images, {}, to_tensor(factors, {o.n, 1}), {"slant"});
}

}  // namespace acc
