// What a selected point shows, from the kNN file only: its extent radius, its k latent
// neighbours with their projected distances, and which edges to draw at what opacity.
import { median, extentRadius, edgeAlpha, projectedDistance, boundingDiagonal, BASE_SHARE_OF_DIAGONAL } from './extent.js';

// Edges fainter than this are not drawn (and not counted in data-edges-drawn).
export const MIN_EDGE_ALPHA = 0.01;

// The kNN table plus the median of its k-th distances (the radius normaliser), computed once.
export function withMedian(knn) {
  return { ...knn, medianKth: median(knn.kth) };
}

// i: selected point; points: {coords, dims, n, bounds}; mode: gated | topk | off; scale: slider.
// Returns {radius, neighbours: [{j, rank, latent, projected, alpha}], edges: [{j, alpha}]}.
export function selectionGeometry(i, points, knn, mode, scale) {
  const base = BASE_SHARE_OF_DIAGONAL * boundingDiagonal(points.bounds);
  const radius = extentRadius(knn.kth[i], knn.medianKth, base, scale);
  const neighbours = [];
  const edges = [];
  for (let r = 0; r < knn.k; r++) {
    const j = knn.indices[i * knn.k + r];
    if (!(Number.isInteger(j) && j >= 0 && j < points.n)) continue;
    // Distance in the projection with all its axes (2D or 3D); the latent one comes from the file.
    const projected = projectedDistance(points.coords, points.dims, i, j);
    const alpha = mode === 'gated' ? edgeAlpha(projected, radius) : 1;
    neighbours.push({ j, rank: r, latent: knn.distances[i * knn.k + r], projected, alpha });
    if (mode !== 'off' && alpha >= MIN_EDGE_ALPHA) edges.push({ j, alpha });
  }
  return { radius, neighbours, edges };
}
