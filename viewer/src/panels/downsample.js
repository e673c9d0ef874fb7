// Reduces a long series to what a chart of `columns` pixel columns can show without losing a
// spike: M4 (Jugel et al., "M4: A Visualization-Oriented Time Series Data Aggregation", VLDB
// 2014) keeps, per pixel column, the first, the lowest, the highest and the last point, so the
// drawn line has the same vertical extent in every column as the full series. Kept points are
// real points (no averaging); the chart keeps the full arrays for hover (nearestPoint).

// Indices of the points to draw, increasing: all finite points when there are at most
// 2 * columns of them, else at most 4 per column of the x range [lo, hi] (default: the series'
// own first and last step). Non-finite values (gaps) are dropped: the charts span gaps anyway.
// The first and the last finite point are always kept (they are their columns' first and last).
export function m4Indices(steps, values, columns, { lo = steps[0], hi = steps[steps.length - 1] } = {}) {
  const finite = [];
  for (let i = 0; i < values.length; i++) if (isFiniteNumber(values[i])) finite.push(i);
  const cols = Math.max(1, Math.floor(columns));
  if (finite.length <= 2 * cols || !(hi > lo)) return finite;
  const keep = [];
  let col = -1;
  let first = -1, min = -1, max = -1, last = -1;
  const flush = () => { if (first >= 0) keep.push(...new Set([first, min, max, last].sort((a, b) => a - b))); };
  for (const i of finite) {
    const c = Math.min(cols - 1, Math.max(0, Math.floor(((steps[i] - lo) / (hi - lo)) * cols)));
    if (c !== col) {
      flush();
      col = c;
      first = min = max = last = i;
      continue;
    }
    if (values[i] < values[min]) min = i;
    if (values[i] > values[max]) max = i;
    last = i;
  }
  flush();
  return keep;
}

// The finite point of a series nearest to step x: {step, value, index} or null. `steps` must
// increase; a gap (non-finite value) is skipped for its nearest finite neighbour.
export function nearestPoint(steps, values, x) {
  let lo = 0;
  let hi = steps.length - 1;
  if (hi < 0 || !Number.isFinite(x)) return null;
  while (lo < hi) { // first index with steps[i] >= x
    const mid = (lo + hi) >> 1;
    if (steps[mid] < x) lo = mid + 1; else hi = mid;
  }
  let right = lo;
  while (right < steps.length && !isFiniteNumber(values[right])) right++;
  let left = lo - 1;
  if (right === lo && steps[lo] === x) left = -1; // exact hit
  while (left >= 0 && !isFiniteNumber(values[left])) left--;
  const candidates = [left, right].filter((i) => i >= 0 && i < steps.length);
  if (!candidates.length) return null;
  const index = candidates.reduce((a, b) => (Math.abs(steps[b] - x) < Math.abs(steps[a] - x) ? b : a));
  return { step: steps[index], value: values[index], index };
}

const isFiniteNumber = (v) => typeof v === 'number' && Number.isFinite(v);
