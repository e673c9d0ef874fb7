// Values of a 2-D view of the latent space laid on a regular grid, ready for the viewer to
// draw as a heat map: the density of the points (where the codes live) and the local
// distortion of the projection (where the 2-D picture stretches or squeezes latent
// neighbourhoods). Grids are small (<= 64 x 64) so their JSON is a few tens of KB.
#pragma once

#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <vector>

#include "analysis/knn.h"

namespace acc {

struct Bounds2d {
  double x_min = 0, x_max = 1, y_min = 0, y_max = 1;
};

// A width x height grid of cells covering `bounds`. values is row-major with row 0 at
// y_min (the bottom of a plot with y pointing up) and column 0 at x_min: the value of cell
// (column cx, row cy) is values[cy * width + cx]. Empty cells are NaN where "no data" must
// differ from zero (distortion) and 0 where it is a real zero (density).
struct Grid2d {
  int64_t width = 0, height = 0;
  Bounds2d bounds;
  std::vector<double> values;
  double min = 0, max = 0;  // over finite values; NaN when there are none
  // {"grid": {"width", "height"}, "bounds": {"x_min", "x_max", "y_min", "y_max"},
  //  "values": [...], "stats": {"min", "max"}}. Values and stats are rounded to 6
  // significant digits (plenty for a colour scale) so the file is compact and the same
  // numbers always print the same; NaN becomes null.
  nlohmann::json to_json() const;
};

// Bounding box of the points [N, 2] grown by pad_fraction of its span on each side (a
// zero span is treated as 1). Compute it once and pass it to every grid that must align,
// such as the posterior's and the prior's density.
Bounds2d padded_bounds(const torch::Tensor& xy, double pad_fraction = 0.05);

// Gaussian kernel density of the points [N, 2] at the grid_size x grid_size cell centres,
// normalised to sum 1 over the grid (all zeros if no point has weight on it). Bandwidth per
// axis by Scott's rule, sigma_axis * N^(-1/6), floored at half a cell so that a tight
// cluster still lights the cell it sits in rather than falling between centres. The kernel
// is separable, so the sum over points is one [G, N] x [N, G] product: exact, and ~10 ms
// for 70,000 points on 64 x 64.
Grid2d density_grid(const torch::Tensor& xy, const Bounds2d& bounds, int64_t grid_size = 64);

// Local distortion of a projection at each point: the mean projected distance to its
// latent-space nearest neighbours over their mean latent distance,
//   ratio_i = mean_j |p_i - p_nn(i, j)| / mean_j |z_i - z_nn(i, j)|,  j over latent_knn.
// `projected` [N, d] are the 2-D (or any) positions; latent_knn is exact_knn of the latent
// codes. 1 everywhere for an isometry, c for a uniform scaling by c. float32 [N]; NaN where
// the latent mean distance is 0 (duplicated codes), which callers exclude.
torch::Tensor distortion_ratios(const torch::Tensor& projected, const Knn& latent_knn);

struct DistortionSummary {
  Grid2d grid;                 // mean finite ratio of the points in each cell; NaN if none
  double median = 0, min = 0, max = 0;  // over all finite ratios; NaN if there are none
};
// Points outside `bounds` count in the summary but in no cell.
DistortionSummary distortion_grid(const torch::Tensor& xy, const torch::Tensor& ratios,
                                  const Bounds2d& bounds, int64_t grid_size = 32);

}  // namespace acc
