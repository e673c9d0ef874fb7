// Extent radii and edge fading for the selected point's latent kNN (issue #5, seed spec
// "Extent radius" / "Fuzzy gating"). Only reads kNN distances from the file; never computes neighbours.

// Base radius in projection units: a fixed share of the projection's bounding-box diagonal,
// so the slider means the same on every projection.
export const BASE_SHARE_OF_DIAGONAL = 0.05;

export function median(values) {
  const finite = Array.from(values).filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (!finite.length) return NaN;
  const mid = finite.length >> 1;
  return finite.length % 2 ? finite[mid] : 0.5 * (finite[mid - 1] + finite[mid]);
}

// r_i = s * base * (d_k(i) / median d_k): monotone in the latent k-th neighbour distance, and
// dividing by a positive constant (the median) keeps that monotonicity.
export function extentRadius(kthDistance, medianKth, base, scale) {
  if (!(kthDistance >= 0) || !(medianKth > 0)) return scale * base;
  return scale * base * (kthDistance / medianKth);
}

// Fully opaque inside the radius, then a smooth exponential fade (no hard cut-off that pops).
export function edgeAlpha(projectedDistance, radius) {
  if (!(radius > 0)) return projectedDistance > 0 ? 0 : 1;
  if (projectedDistance <= radius) return 1;
  return Math.exp(-(projectedDistance - radius) / (0.5 * radius));
}

// Distance in the projection, with as many axes as the projection has (2D vs 3D).
export function projectedDistance(coords, dims, i, j) {
  let sum = 0;
  for (let a = 0; a < dims; a++) {
    const d = coords[i * dims + a] - coords[j * dims + a];
    sum += d * d;
  }
  return Math.sqrt(sum);
}

export function boundingDiagonal(bounds) {
  let sum = 0;
  for (let a = 0; a < bounds.min.length; a++) sum += (bounds.max[a] - bounds.min[a]) ** 2;
  return Math.sqrt(sum);
}
