// Density and distortion grids of a 2-D view; see grid2d.h for the conventions.
#include "analysis/grid2d.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "error.h"

namespace acc {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// 6 significant digits through the decimal form, so equal inputs print equal text and the
// JSON carries no 17-digit noise.
nlohmann::json rounded(double v) {
  if (!std::isfinite(v)) return nullptr;
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", v);
  return std::strtod(text, nullptr);
}

void check_points(const char* fn, const torch::Tensor& xy) {
  TORCH_CHECK(xy.dim() == 2 && xy.size(1) == 2 && xy.size(0) >= 1, fn,
              ": expected points [N >= 1, 2], got ", xy.sizes());
  TORCH_CHECK(xy.is_floating_point(), fn, ": expected floating-point points");
  if (!torch::isfinite(xy).all().item<bool>())
    throw Error(std::string(fn) + ": the 2-D points contain NaN or Inf (did the model diverge?)",
                ExitCode::kFailure);
}

void check_grid(const char* fn, const Bounds2d& b, int64_t grid_size) {
  TORCH_CHECK(grid_size >= 1, fn, ": grid_size must be positive, got ", grid_size);
  TORCH_CHECK(b.x_max > b.x_min && b.y_max > b.y_min, fn, ": empty bounds [", b.x_min, ", ",
              b.x_max, "] x [", b.y_min, ", ", b.y_max, "]");
}

// Min and max over the finite values (NaN when there are none).
void set_stats(Grid2d& grid) {
  grid.min = grid.max = kNaN;
  for (const double v : grid.values) {
    if (!std::isfinite(v)) continue;
    grid.min = std::isnan(grid.min) ? v : std::min(grid.min, v);
    grid.max = std::isnan(grid.max) ? v : std::max(grid.max, v);
  }
}

Grid2d grid_from(const torch::Tensor& values /*float64 [G, G], row = y*/, const Bounds2d& bounds) {
  Grid2d grid;
  grid.height = values.size(0);
  grid.width = values.size(1);
  grid.bounds = bounds;
  const auto flat = values.contiguous();
  const double* p = flat.data_ptr<double>();
  grid.values.assign(p, p + flat.numel());
  set_stats(grid);
  return grid;
}

// Points per slab: keeps each temporary (a [slab, G] kernel matrix, [slab, k, d] neighbour
// offsets) well under a MB, which malloc recycles from slab to slab. Multi-MB temporaries
// are mapped fresh on every call, and page faults then cost more than the arithmetic.
constexpr int64_t kSlab = 1024;

// Scott's rule for one axis, sigma * N^(-1/6), floored at half a cell (see grid2d.h).
double bandwidth(const torch::Tensor& coord /*float64 [N]*/, double cell) {
  const int64_t n = coord.size(0);
  const double spread = n >= 2 ? coord.std(/*unbiased=*/true).item<double>() : 0.0;
  return std::max(spread * std::pow(static_cast<double>(n), -1.0 / 6.0), 0.5 * cell);
}

// Gaussian weights [n, G] of coordinates against the cell centres along one axis.
torch::Tensor axis_kernel(const torch::Tensor& coord, const torch::Tensor& centres, double h) {
  const auto z = (centres.unsqueeze(0) - coord.unsqueeze(1)) / h;
  return (-0.5 * z.square()).exp();
}

}  // namespace

nlohmann::json Grid2d::to_json() const {
  auto out = nlohmann::json::array();
  for (const double v : values) out.push_back(rounded(v));
  return {{"grid", {{"width", width}, {"height", height}}},
          {"bounds",
           {{"x_min", bounds.x_min}, {"x_max", bounds.x_max}, {"y_min", bounds.y_min},
            {"y_max", bounds.y_max}}},
          {"values", std::move(out)},
          {"stats", {{"min", rounded(min)}, {"max", rounded(max)}}}};
}

Bounds2d padded_bounds(const torch::Tensor& xy, double pad_fraction) {
  check_points("padded_bounds", xy);
  TORCH_CHECK(pad_fraction >= 0, "padded_bounds: pad_fraction must be >= 0, got ", pad_fraction);
  const auto p = xy.to(torch::kFloat64);
  const auto lo = std::get<0>(p.min(0));
  const auto hi = std::get<0>(p.max(0));
  const auto pad = [&](double a, double b, double& out_lo, double& out_hi) {
    const double span = b > a ? b - a : 1.0;
    out_lo = a - pad_fraction * span;
    out_hi = b + pad_fraction * span;
    if (!(out_hi > out_lo)) out_hi = out_lo + 1.0;  // pad_fraction 0 on a zero span
  };
  Bounds2d b;
  pad(lo[0].item<double>(), hi[0].item<double>(), b.x_min, b.x_max);
  pad(lo[1].item<double>(), hi[1].item<double>(), b.y_min, b.y_max);
  return b;
}

Grid2d density_grid(const torch::Tensor& xy, const Bounds2d& bounds, int64_t grid_size) {
  check_points("density_grid", xy);
  check_grid("density_grid", bounds, grid_size);
  const auto p = xy.to(torch::kFloat64);
  const auto x = p.select(1, 0), y = p.select(1, 1);
  const auto unit = torch::arange(grid_size, torch::kFloat64) + 0.5;
  const double cell_x = (bounds.x_max - bounds.x_min) / static_cast<double>(grid_size);
  const double cell_y = (bounds.y_max - bounds.y_min) / static_cast<double>(grid_size);
  const auto centres_x = bounds.x_min + unit * cell_x;
  const auto centres_y = bounds.y_min + unit * cell_y;
  const double hx = bandwidth(x, cell_x), hy = bandwidth(y, cell_y);
  // density[cy, cx] = sum_i ky[i, cy] kx[i, cx]: the kernel is separable, so the sum over
  // points is a product, accumulated slab by slab in a fixed order.
  auto density = torch::zeros({grid_size, grid_size}, torch::kFloat64);
  const int64_t n = p.size(0);
  for (int64_t start = 0; start < n; start += kSlab) {
    const int64_t len = std::min(kSlab, n - start);
    const auto kx = axis_kernel(x.narrow(0, start, len), centres_x, hx);
    const auto ky = axis_kernel(y.narrow(0, start, len), centres_y, hy);
    density.addmm_(ky.t(), kx);
  }
  const double total = density.sum().item<double>();
  if (total > 0) density = density / total;
  return grid_from(density, bounds);
}

torch::Tensor distortion_ratios(const torch::Tensor& projected, const Knn& latent_knn) {
  TORCH_CHECK(projected.dim() == 2 && projected.is_floating_point(),
              "distortion_ratios: expected float points [N, d], got ", projected.sizes());
  const int64_t n = projected.size(0);
  TORCH_CHECK(latent_knn.indices.dim() == 2 && latent_knn.indices.size(0) == n &&
                  latent_knn.distances.sizes() == latent_knn.indices.sizes(),
              "distortion_ratios: latent kNN must be [", n, ", k], got indices ",
              latent_knn.indices.sizes(), " and distances ", latent_knn.distances.sizes());
  const auto p = projected.to(torch::kFloat64);
  const auto nn = latent_knn.indices.to(torch::kInt64);
  const int64_t k = nn.size(1);
  auto projected_mean = torch::empty({n}, torch::kFloat64);
  for (int64_t start = 0; start < n; start += kSlab) {
    const int64_t len = std::min(kSlab, n - start);
    const auto neighbours =
        p.index_select(0, nn.narrow(0, start, len).flatten()).view({len, k, p.size(1)});
    const auto offsets = neighbours - p.narrow(0, start, len).unsqueeze(1);
    projected_mean.narrow(0, start, len).copy_(offsets.square().sum(2).sqrt().mean(1));
  }
  const auto latent_mean = latent_knn.distances.to(torch::kFloat64).mean(1);
  // Duplicated codes have mean latent distance 0: no ratio exists there, say so with NaN.
  const auto ratio = torch::where(latent_mean > 0, projected_mean / latent_mean,
                                  torch::full_like(latent_mean, kNaN));
  return ratio.to(torch::kFloat32);
}

DistortionSummary distortion_grid(const torch::Tensor& xy, const torch::Tensor& ratios,
                                  const Bounds2d& bounds, int64_t grid_size) {
  check_points("distortion_grid", xy);
  check_grid("distortion_grid", bounds, grid_size);
  TORCH_CHECK(ratios.dim() == 1 && ratios.size(0) == xy.size(0),
              "distortion_grid: expected ratios [", xy.size(0), "], got ", ratios.sizes());
  const auto p = xy.to(torch::kFloat64);
  const auto r = ratios.to(torch::kFloat64);
  const auto finite = torch::isfinite(r);

  // Cell of each point; a point exactly on the max edge belongs to the last cell.
  const auto cell_of = [&](const torch::Tensor& v, double lo, double hi) {
    return ((v - lo) / (hi - lo) * static_cast<double>(grid_size))
        .floor()
        .clamp_max(static_cast<double>(grid_size - 1));
  };
  const auto cx = cell_of(p.select(1, 0), bounds.x_min, bounds.x_max);
  const auto cy = cell_of(p.select(1, 1), bounds.y_min, bounds.y_max);
  const auto inside = finite & (cx >= 0) & (cy >= 0) &
                      (p.select(1, 0) <= bounds.x_max) & (p.select(1, 1) <= bounds.y_max);
  const auto cell = (cy * static_cast<double>(grid_size) + cx).masked_select(inside).to(torch::kInt64);
  const int64_t cells = grid_size * grid_size;
  const auto sums = torch::zeros({cells}, torch::kFloat64).index_add_(0, cell, r.masked_select(inside));
  const auto counts =
      torch::zeros({cells}, torch::kFloat64).index_add_(0, cell, torch::ones_like(cell, torch::kFloat64));
  const auto means = torch::where(counts > 0, sums / counts, torch::full_like(sums, kNaN));

  DistortionSummary summary;
  summary.grid = grid_from(means.view({grid_size, grid_size}), bounds);
  const auto sorted = std::get<0>(r.masked_select(finite).sort());
  const int64_t m = sorted.size(0);
  if (m == 0) {
    summary.median = summary.min = summary.max = kNaN;
  } else {
    const double* s = sorted.data_ptr<double>();
    summary.median = m % 2 ? s[m / 2] : 0.5 * (s[m / 2 - 1] + s[m / 2]);
    summary.min = s[0];
    summary.max = s[m - 1];
  }
  return summary;
}

}  // namespace acc
