// UMAP's initial layout (umap.h), internal to umap*.cpp: the spectral layout (a Lanczos
// eigensolver on the fuzzy graph) or the PCA layout, chosen as asked or as the fallback,
// then umap-learn's scaling and jitter into the float32 coordinates the SGD starts from.
// A file of its own so the eigensolver, the largest single piece of UMAP, reads apart
// from the graph and SGD stages.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

#include "analysis/umap.h"
#include "analysis/umap_graph.h"
#include "analysis/umap_rng.h"

namespace acc::umap_detail {

// The initial layout, [N, dim] row-major float64 (dim = params.n_components): spectral on
// `graph` when asked and possible, else the PCA of `data`. Records in `info` the init
// that ran, why a spectral request fell back, and the solver's diagnostics.
std::vector<double> initial_coords(const torch::Tensor& data, const Csr& graph,
                                   const UmapParams& params, nlohmann::json& info);

// `coords` ([n, dim] row-major) scaled, jittered with draws from `rng` and mapped onto
// [0, 10] per axis, as float32: the embedding the SGD starts from.
std::vector<float> finish_layout(const std::vector<double>& coords, int64_t n, int64_t dim,
                                 SplitMix64& rng);

}  // namespace acc::umap_detail
