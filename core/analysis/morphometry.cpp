// Morphometry of digit images; the method and its formulas are in morphometry.h.
#include "analysis/morphometry.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "error.h"

namespace acc {

// A named namespace, not an anonymous one: the unity build compiles this file together with
// others whose anonymous helpers could share these names.
namespace morphometry_detail {

constexpr double kDegreesPerRadian = 180.0 / 3.14159265358979323846;

// One image's upsampled binary mask over the part of the image that can hold ink, with a
// one-pixel background border so every ink pixel has all eight neighbours.
struct Mask {
  int64_t rows = 0, cols = 0;
  std::vector<uint8_t> ink;  // rows * cols, 1 = ink
  uint8_t at(int64_t r, int64_t c) const { return ink[static_cast<size_t>(r * cols + c)]; }
};

// Bilinear sample of the low-resolution image at hi-res pixel centre (Y, X) of `scale`.
float upsampled(const float* img, int64_t h, int64_t w, int64_t Y, int64_t X, int64_t scale) {
  const double y = (Y + 0.5) / scale - 0.5, x = (X + 0.5) / scale - 0.5;
  const double yc = std::clamp(y, 0.0, double(h - 1)), xc = std::clamp(x, 0.0, double(w - 1));
  const int64_t y0 = static_cast<int64_t>(std::floor(yc)), x0 = static_cast<int64_t>(std::floor(xc));
  const int64_t y1 = std::min(y0 + 1, h - 1), x1 = std::min(x0 + 1, w - 1);
  const double fy = yc - y0, fx = xc - x0;
  const double top = img[y0 * w + x0] * (1 - fx) + img[y0 * w + x1] * fx;
  const double bottom = img[y1 * w + x0] * (1 - fx) + img[y1 * w + x1] * fx;
  return static_cast<float>(top * (1 - fy) + bottom * fy);
}

// Bilinear interpolation is a convex combination of the four nearest pixels, so a hi-res
// pixel can reach the threshold only next to a low-res pixel that does: the mask covers the
// bounding box of those pixels grown by one, plus the background border.
Mask binarise(const float* img, int64_t h, int64_t w, float level, int64_t scale) {
  int64_t r0 = h, r1 = -1, c0 = w, c1 = -1;
  for (int64_t r = 0; r < h; ++r)
    for (int64_t c = 0; c < w; ++c)
      if (img[r * w + c] >= level) {
        r0 = std::min(r0, r), r1 = std::max(r1, r), c0 = std::min(c0, c), c1 = std::max(c1, c);
      }
  Mask m;
  if (r1 < 0) return m;
  r0 = std::max<int64_t>(0, r0 - 1), c0 = std::max<int64_t>(0, c0 - 1);
  r1 = std::min(h - 1, r1 + 1), c1 = std::min(w - 1, c1 + 1);
  const int64_t Y0 = r0 * scale, X0 = c0 * scale;
  const int64_t inner_rows = (r1 - r0 + 1) * scale, inner_cols = (c1 - c0 + 1) * scale;
  m.rows = inner_rows + 2;
  m.cols = inner_cols + 2;
  m.ink.assign(static_cast<size_t>(m.rows * m.cols), 0);
  for (int64_t y = 0; y < inner_rows; ++y)
    for (int64_t x = 0; x < inner_cols; ++x)
      m.ink[static_cast<size_t>((y + 1) * m.cols + x + 1)] = upsampled(img, h, w, Y0 + y, X0 + x, scale) >= level;
  return m;
}

// 1-D squared distance transform of f (Felzenszwalb & Huttenlocher 2012, "Distance
// Transforms of Sampled Functions"): d[q] = min_p (q - p)^2 + f[p], by the lower envelope
// of parabolas. f is 0 on background and +inf on ink.
void squared_distance_1d(const std::vector<double>& f, std::vector<double>& d, std::vector<int64_t>& v,
                         std::vector<double>& z) {
  const int64_t n = static_cast<int64_t>(f.size());
  constexpr double kInf = std::numeric_limits<double>::infinity();
  int64_t k = -1;
  for (int64_t q = 0; q < n; ++q) {
    if (f[q] == kInf) continue;  // an infinite parabola is never on the envelope
    double s = -kInf;
    while (k >= 0) {
      const int64_t p = v[k];
      s = ((f[q] + double(q) * q) - (f[p] + double(p) * p)) / (2.0 * (q - p));
      if (s > z[k]) break;
      --k;
    }
    ++k;
    v[k] = q;
    z[k] = k == 0 ? -kInf : s;
    z[k + 1] = kInf;
  }
  if (k < 0) {  // no background on this line
    std::fill(d.begin(), d.end(), kInf);
    return;
  }
  int64_t j = 0;
  for (int64_t q = 0; q < n; ++q) {
    while (z[j + 1] < q) ++j;
    const double diff = double(q) - v[j];
    d[q] = diff * diff + f[v[j]];
  }
}

// Euclidean distance from every pixel to the nearest background pixel (0 on background).
std::vector<double> distance_to_background(const Mask& m) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  std::vector<double> grid(m.ink.size());
  for (size_t i = 0; i < grid.size(); ++i) grid[i] = m.ink[i] ? kInf : 0.0;
  const int64_t longest = std::max(m.rows, m.cols);
  std::vector<double> f(static_cast<size_t>(longest)), d(static_cast<size_t>(longest)), z(static_cast<size_t>(longest) + 1);
  std::vector<int64_t> v(static_cast<size_t>(longest));
  f.resize(static_cast<size_t>(m.rows)), d.resize(static_cast<size_t>(m.rows));
  for (int64_t c = 0; c < m.cols; ++c) {
    for (int64_t r = 0; r < m.rows; ++r) f[r] = grid[r * m.cols + c];
    squared_distance_1d(f, d, v, z);
    for (int64_t r = 0; r < m.rows; ++r) grid[r * m.cols + c] = d[r];
  }
  f.resize(static_cast<size_t>(m.cols)), d.resize(static_cast<size_t>(m.cols));
  for (int64_t r = 0; r < m.rows; ++r) {
    for (int64_t c = 0; c < m.cols; ++c) f[c] = grid[r * m.cols + c];
    squared_distance_1d(f, d, v, z);
    for (int64_t c = 0; c < m.cols; ++c) grid[r * m.cols + c] = std::sqrt(d[c]);
  }
  return grid;
}

// Zhang–Suen thinning. Neighbours P2..P9 clockwise from north. Each pass deletes, all at
// once, the ink pixels with 2 <= B <= 6 ink neighbours and exactly one 0 -> 1 transition
// around them (A = 1, so deleting keeps the stroke connected), that are on a south-east
// boundary (pass 1: P2 P4 P6 = 0 and P4 P6 P8 = 0) or a north-west one (pass 2: P2 P4 P8 =
// 0 and P2 P6 P8 = 0); passes alternate until neither deletes anything. Only the remaining
// ink pixels are visited.
std::vector<uint8_t> zhang_suen(const Mask& m) {
  std::vector<uint8_t> img = m.ink;
  std::vector<int64_t> alive;
  for (int64_t i = 0; i < static_cast<int64_t>(img.size()); ++i)
    if (img[static_cast<size_t>(i)]) alive.push_back(i);
  const int64_t cols = m.cols;
  const int64_t offset[8] = {-cols, -cols + 1, 1, cols + 1, cols, cols - 1, -1, -cols - 1};  // P2..P9
  std::vector<int64_t> doomed;
  for (bool changed = true; changed;) {
    changed = false;
    for (int pass = 0; pass < 2; ++pass) {
      doomed.clear();
      for (const int64_t i : alive) {
        uint8_t p[8];
        int b = 0;
        for (int k = 0; k < 8; ++k) b += (p[k] = img[static_cast<size_t>(i + offset[k])]);
        if (b < 2 || b > 6) continue;
        int a = 0;
        for (int k = 0; k < 8; ++k) a += (!p[k] && p[(k + 1) % 8]);
        if (a != 1) continue;
        // p[0] = P2 (N), p[2] = P4 (E), p[4] = P6 (S), p[6] = P8 (W).
        const bool boundary = pass == 0 ? (!(p[0] && p[2] && p[4]) && !(p[2] && p[4] && p[6]))
                                        : (!(p[0] && p[2] && p[6]) && !(p[0] && p[4] && p[6]));
        if (boundary) doomed.push_back(i);
      }
      for (const int64_t i : doomed) img[static_cast<size_t>(i)] = 0;
      if (!doomed.empty()) {
        changed = true;
        alive.erase(std::remove_if(alive.begin(), alive.end(), [&](int64_t i) { return !img[static_cast<size_t>(i)]; }),
                    alive.end());
      }
    }
  }
  return img;
}

// Zhang–Suen leaves 4-connected corners ("L" steps, two-pixel-wide staircases) where an
// 8-connected line needs no pixel: measured edge by edge they add 2 instead of sqrt 2 per
// step. A skeleton pixel with at least two skeleton neighbours that are all one connected
// piece around it (8-connectivity within its ring) joins nothing its neighbours do not
// already join, so removing it keeps the skeleton connected and its ends in place.
// `pattern` has bit k set for ring position k (N, NE, E, ... clockwise).
bool joins_nothing(int pattern) {
  int count = 0;
  for (int k = 0; k < 8; ++k) count += (pattern >> k) & 1;
  if (count < 2) return false;
  // Ring positions are 8-adjacent to their ring neighbours; two side positions (even k)
  // one corner apart are adjacent as well (N and E touch diagonally).
  int seen = 0, pieces = 0;
  for (int start = 0; start < 8; ++start) {
    if (!((pattern >> start) & 1) || ((seen >> start) & 1)) continue;
    ++pieces;
    int stack[8], top = 0;
    stack[top++] = start;
    seen |= 1 << start;
    while (top > 0) {
      const int k = stack[--top];
      const int next[4] = {(k + 1) % 8, (k + 7) % 8, k % 2 == 0 ? (k + 2) % 8 : -1, k % 2 == 0 ? (k + 6) % 8 : -1};
      for (const int j : next)
        if (j >= 0 && ((pattern >> j) & 1) && !((seen >> j) & 1)) seen |= 1 << j, stack[top++] = j;
    }
  }
  return pieces == 1;
}

// Removed one at a time in raster order until none is left (a table of the 256 ring
// patterns makes each test one lookup).
void remove_redundant_corners(std::vector<uint8_t>& skeleton, int64_t cols) {
  static const std::vector<bool> redundant = [] {
    std::vector<bool> table(256);
    for (int pattern = 0; pattern < 256; ++pattern) table[static_cast<size_t>(pattern)] = joins_nothing(pattern);
    return table;
  }();
  const int64_t offset[8] = {-cols, -cols + 1, 1, cols + 1, cols, cols - 1, -1, -cols - 1};
  std::vector<int64_t> alive;
  for (int64_t i = 0; i < static_cast<int64_t>(skeleton.size()); ++i)
    if (skeleton[static_cast<size_t>(i)]) alive.push_back(i);
  for (bool changed = true; changed;) {
    changed = false;
    for (const int64_t i : alive) {
      if (!skeleton[static_cast<size_t>(i)]) continue;
      int pattern = 0;
      for (int k = 0; k < 8; ++k) pattern |= skeleton[static_cast<size_t>(i + offset[k])] << k;
      if (redundant[static_cast<size_t>(pattern)]) skeleton[static_cast<size_t>(i)] = 0, changed = true;
    }
  }
}

// Extent of `values` between its `tail` and 1 - `tail` quantiles (linear interpolation
// between order statistics, as numpy's default), by selection rather than a full sort.
double trimmed_extent(std::vector<double>& values, double tail) {
  const auto at = [&](double share) {
    const double pos = share * double(values.size() - 1);
    const size_t lo = static_cast<size_t>(std::floor(pos));
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(lo), values.end());
    const double below = values[lo];
    if (lo + 1 >= values.size()) return below;
    const double above = *std::min_element(values.begin() + static_cast<std::ptrdiff_t>(lo) + 1, values.end());
    return below + (pos - double(lo)) * (above - below);
  };
  const double low = at(tail);
  return at(1 - tail) - low;
}

// thickness, slant, length, width, height of one image, or nothing when it is empty.
bool measure_one(const float* img, int64_t h, int64_t w, const MorphometryOptions& o, float* out) {
  const auto [lo_it, hi_it] = std::minmax_element(img, img + h * w);
  const float lo = *lo_it, hi = *hi_it;
  if (hi < o.empty_below || hi - lo < o.empty_below) return false;
  const Mask m = binarise(img, h, w, static_cast<float>(lo + o.threshold * (hi - lo)), o.scale);
  if (m.ink.empty()) return false;
  const std::vector<double> dist = distance_to_background(m);
  std::vector<uint8_t> skeleton = zhang_suen(m);
  remove_redundant_corners(skeleton, m.cols);

  double dist_sum = 0, length = 0;
  int64_t skeleton_pixels = 0;
  for (int64_t r = 1; r + 1 < m.rows; ++r)
    for (int64_t c = 1; c + 1 < m.cols; ++c) {
      const int64_t i = r * m.cols + c;
      if (!skeleton[static_cast<size_t>(i)]) continue;
      ++skeleton_pixels;
      dist_sum += dist[static_cast<size_t>(i)];
      // Each edge once: east, south-west, south, south-east.
      length += skeleton[static_cast<size_t>(i + 1)] + skeleton[static_cast<size_t>(i + m.cols)] +
                std::sqrt(2.0) * (skeleton[static_cast<size_t>(i + m.cols - 1)] + skeleton[static_cast<size_t>(i + m.cols + 1)]);
    }
  if (skeleton_pixels == 0) {  // a blob too small to thin: its deepest pixel stands for it
    dist_sum = *std::max_element(dist.begin(), dist.end());
    skeleton_pixels = 1;
  }

  double n = 0, sx = 0, sy = 0, sxy = 0, syy = 0;
  for (int64_t r = 0; r < m.rows; ++r)
    for (int64_t c = 0; c < m.cols; ++c)
      if (m.at(r, c)) n += 1, sx += c, sy += r, sxy += double(c) * r, syy += double(r) * r;
  const double mx = sx / n, my = sy / n;
  const double u11 = sxy / n - mx * my, u02 = syy / n - my * my;
  const double shear = u02 > 0 ? u11 / u02 : 0.0;

  std::vector<double> xs, ys;
  xs.reserve(static_cast<size_t>(n)), ys.reserve(static_cast<size_t>(n));
  for (int64_t r = 0; r < m.rows; ++r)
    for (int64_t c = 0; c < m.cols; ++c)
      if (m.at(r, c)) xs.push_back(c - shear * (r - my)), ys.push_back(double(r));
  const double tail = o.trim / 2, scale = double(o.scale);
  out[0] = static_cast<float>(2.0 * dist_sum / double(skeleton_pixels) / scale);
  out[1] = static_cast<float>(std::atan(-shear) * kDegreesPerRadian);
  out[2] = static_cast<float>(length / scale);
  out[3] = static_cast<float>((trimmed_extent(xs, tail) + 1) / scale);
  out[4] = static_cast<float>((trimmed_extent(ys, tail) + 1) / scale);
  return true;
}

}  // namespace morphometry_detail

const std::vector<std::string>& morphometry_names() {
  static const std::vector<std::string> names = {"thickness", "slant", "length", "width", "height"};
  return names;
}

const std::vector<std::string>& morphometry_units() {
  static const std::vector<std::string> units = {"px", "deg", "px", "px", "px"};
  return units;
}

Morphometry measure_morphometry(const torch::Tensor& images, const MorphometryOptions& o) {
  if (!(images.dim() == 3 || (images.dim() == 4 && images.size(1) == 1)))
    throw Error("morphometry needs grey images [N, 1, H, W] or [N, H, W], got " + std::to_string(images.dim()) +
                "-d with sizes " + c10::str(images.sizes()));
  if (o.scale < 1 || o.scale > 16) throw Error("morphometry: scale must be between 1 and 16, got " + std::to_string(o.scale));
  if (!(o.threshold > 0 && o.threshold < 1)) throw Error("morphometry: threshold must be in (0, 1)");
  if (!(o.trim >= 0 && o.trim < 0.5)) throw Error("morphometry: trim must be in [0, 0.5)");
  const torch::Tensor x = images.to(torch::kCPU, torch::kFloat).contiguous();
  const int64_t n = x.size(0), h = x.size(-2), w = x.size(-1);
  Morphometry result;
  result.values = torch::zeros({n, 5}, torch::kFloat);
  result.empty = torch::zeros({n}, torch::kBool);
  const float* in = x.data_ptr<float>();
  float* out = result.values.data_ptr<float>();
  bool* empty = result.empty.data_ptr<bool>();
  // Images are independent, so splitting them over threads cannot change any value.
  at::parallel_for(0, n, /*grain_size=*/16, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) empty[i] = !morphometry_detail::measure_one(in + i * h * w, h, w, o, out + i * 5);
  });
  return result;
}

nlohmann::json morphometry_info(const MorphometryOptions& o) {
  return {{"method", "morpho-mnist"},
          {"measures", morphometry_names()},
          {"units", morphometry_units()},
          {"scale", o.scale},
          {"threshold", o.threshold},
          {"trim", o.trim},
          {"empty_below", o.empty_below},
          {"skeleton", "zhang_suen"},
          {"upsampling", "bilinear"}};
}

}  // namespace acc
