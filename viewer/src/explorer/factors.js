// Colouring points by a dataset factor (the projection's optional `factors` block, checked by
// data.js): which colouring the URL asks for, the factor's colour scale, and a point's colour.
// Pure functions, tested in explorer.test.mjs.
import { viridisRamp, hexToRgb, UNLABELLED } from './colors.js';

// The `color` URL value of today's colouring by class label (also the default).
export const COLOR_LABEL = 'label';
const MISSING_RGB = hexToRgb(UNLABELLED);

// The colouring to draw: the wanted factor when this projection has it, else by label (an old
// URL or a projection without factors never breaks the view).
export function resolveColorBy(want, factors) {
  return want !== COLOR_LABEL && factors.some((f) => f.name === want) ? want : COLOR_LABEL;
}

// q-quantile of sorted finite values, linear between order statistics (numpy's default).
function quantile(sorted, q) {
  const x = (sorted.length - 1) * q;
  const i = Math.floor(x);
  return i + 1 < sorted.length ? sorted[i] + (sorted[i + 1] - sorted[i]) * (x - i) : sorted[i];
}

// The colour scale of one factor's values (numbers, NaN or null for missing). Colours span the
// robust 1st..99th percentile (low..high), not min..max: a few extreme measurements (a blot
// measured as a very thick stroke) would otherwise squeeze every other point into one end of
// the map. Values beyond clamp to the end colours; min and max are reported for the legend.
export function factorScale(values) {
  const finite = [];
  for (const v of values) if (typeof v === 'number' && Number.isFinite(v)) finite.push(v);
  finite.sort((a, b) => a - b);
  const missing = values.length - finite.length;
  if (!finite.length) return { low: null, high: null, min: null, max: null, count: 0, missing };
  return {
    low: quantile(finite, 0.01), high: quantile(finite, 0.99),
    min: finite[0], max: finite[finite.length - 1], count: finite.length, missing,
  };
}

// Position of v on the scale in [0, 1], or null for a missing value. A constant factor (low ==
// high) sits in the middle of the map.
export function factorT(v, scale) {
  if (typeof v !== 'number' || !Number.isFinite(v) || scale.low === null) return null;
  if (!(scale.high > scale.low)) return 0.5;
  return Math.min(1, Math.max(0, (v - scale.low) / (scale.high - scale.low)));
}

// [r, g, b] 0..255 of a value: viridis, or the unlabelled grey when missing.
export function factorRgb(v, scale) {
  const t = factorT(v, scale);
  return t === null ? MISSING_RGB : viridisRamp(t);
}

// "2.31 px", "0.5" (no unit), "—" (missing).
export function formatFactorValue(v, unit, fmt) {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '—';
  return unit ? `${fmt(v)} ${unit}` : fmt(v);
}
