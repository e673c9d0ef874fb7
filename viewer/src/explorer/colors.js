// Colours: a categorical palette for labels, colour maps for the overlay grids, and viridis for
// points coloured by a dataset factor.

// Tableau 10: distinct, colour-blind-aware enough for up to ten classes; cycles beyond.
const CATEGORICAL = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac',
  '#1f77b4', '#aec7e8', '#ff7f0e', '#98df8a', '#d62728', '#c5b0d5', '#8c564b', '#e377c2', '#7f7f7f', '#17becf'];
export const UNLABELLED = '#9a9a9a';

export function labelColor(label) {
  if (label === null || label === undefined || !Number.isFinite(Number(label))) return UNLABELLED;
  const i = ((Number(label) % CATEGORICAL.length) + CATEGORICAL.length) % CATEGORICAL.length;
  return CATEGORICAL[i];
}

export function hexToRgb(hex) {
  const v = parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

// Piecewise-linear colour maps given by evenly spaced stops; t in [0, 1].
function ramp(stops) {
  const rgb = stops.map(hexToRgb);
  return (t) => {
    const x = Math.min(1, Math.max(0, t)) * (rgb.length - 1);
    const i = Math.min(rgb.length - 2, Math.floor(x));
    const f = x - i;
    return rgb[i].map((c, k) => Math.round(c + (rgb[i + 1][k] - c) * f));
  };
}

// Density: viridis-like, dark (low) to yellow (high).
export const densityRamp = ramp(['#440154', '#414487', '#2a788e', '#22a884', '#7ad151', '#fde725']);
// Distortion: blue (compressed) - white (median) - red (stretched).
export const divergingRamp = ramp(['#2166ac', '#67a9cf', '#f7f7f7', '#ef8a62', '#b2182b']);

// Viridis (matplotlib's, as d3-scale-chromatic tabulates it in 256 entries): entries 0, 16, ...,
// 240 and 255, i.e. 17 evenly spaced stops, interpolated linearly. Its lightness rises
// monotonically, so a factor's order reads in greyscale and for colour-blind readers too.
export const VIRIDIS = ['#440154', '#48186a', '#472d7b', '#424086', '#3b528b', '#33638d', '#2c728e', '#26828e', '#21918c',
  '#1f9f88', '#27ad81', '#3dbc74', '#5cc863', '#81d34d', '#aadc32', '#d5e21a', '#fde725'];
export const viridisRamp = ramp(VIRIDIS);

export function cssGradient(rampFn, steps = 8) {
  const parts = [];
  for (let s = 0; s <= steps; s++) parts.push(`rgb(${rampFn(s / steps).join(',')}) ${(100 * s) / steps}%`);
  return `linear-gradient(to right, ${parts.join(', ')})`;
}
