// UMAP's SGD layout (umap.h), internal to umap*.cpp: umap-learn's
// optimize_layout_euclidean with move_other = true, in float32 with tabulated gradient
// coefficients. A file of its own because it is the hot loop of UMAP: its speed tricks
// and their reasons read best apart from the graph and initialisation stages.
#pragma once

#include <cstdint>
#include <vector>

#include "analysis/umap.h"
#include "analysis/umap_graph.h"
#include "analysis/umap_rng.h"

namespace acc::umap_detail {

// Moves the points of `emb` (float32 [n, p.n_components] row-major, 2 or 3 columns) in
// place for `n_epochs` epochs along the edges of `g`, with curve parameters a, b and the
// negative samples drawn from `rng`.
void optimize_layout(std::vector<float>& emb, int64_t n, const Csr& g, const UmapParams& p,
                     double a, double b, int64_t n_epochs, SplitMix64& rng);

}  // namespace acc::umap_detail
