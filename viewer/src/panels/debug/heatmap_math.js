// The cosine heatmaps' pure parts: the blue-white-red scale over -1..1, the matrix as drawn
// under a row/column order (one of the file's `orders`, features listed by a metric), and
// which cell a pointer position is over. Tested under node.

const BLUE = [33, 102, 172];
const WHITE = [255, 255, 255];
const RED = [178, 24, 43];

// [r, g, b] of a value in -1..1 (clamped): -1 blue, 0 white, 1 red; non-finite values grey.
export function divergingColor(v) {
  if (!Number.isFinite(v)) return [136, 136, 136];
  const t = Math.min(1, Math.abs(v));
  const end = v < 0 ? BLUE : RED;
  return WHITE.map((w, i) => Math.round(w + (end[i] - w) * t));
}

// The drawn matrix: display row i is item order[i] (identity without an order). `labels` name
// the items (feature ids); returns {n, labels, at(i, j)} in display indices.
export function orderedView(matrix, { order = null, labels = null } = {}) {
  const n = matrix.length;
  const idx = validOrder(order, n) ? order : [...Array(n).keys()];
  const names = labels && labels.length === n ? labels : [...Array(n).keys()];
  return {
    n,
    labels: idx.map((k) => names[k]),
    index: idx,
    at: (i, j) => matrix[idx[i]]?.[idx[j]],
  };
}

// An order must be a permutation of 0..n-1; anything else (a file from a writer that disagrees)
// is ignored rather than drawing a scrambled matrix.
export function validOrder(order, n) {
  if (!Array.isArray(order) || order.length !== n) return false;
  const seen = new Set(order);
  return seen.size === n && order.every((k) => Number.isInteger(k) && k >= 0 && k < n);
}

// The cell under pointer offset (x, y) in a canvas of `cell`-pixel squares, as
// {row, col, rowLabel, colLabel, value} (display indices and the items' labels), or null.
export function cellAt(view, cell, x, y) {
  const i = Math.floor(y / cell);
  const j = Math.floor(x / cell);
  if (!(i >= 0 && j >= 0 && i < view.n && j < view.n)) return null;
  return { row: i, col: j, rowLabel: view.labels[i], colLabel: view.labels[j], value: view.at(i, j) };
}

// Cell size in pixels so the matrix spans about `targetPx` (at least 2 px, at most 24).
export function cellSize(n, targetPx = 320) {
  return Math.max(2, Math.min(24, Math.floor(targetPx / Math.max(1, n))));
}
