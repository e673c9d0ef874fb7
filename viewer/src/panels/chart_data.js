// What a line chart (line_chart.js) draws from its series: each series' values cleaned (gaps and,
// on a log scale, values <= 0 become null), smoothed when asked (smoothing.js; the raw line is
// then drawn faintly behind the smoothed one), and reduced to at most ~4 points per pixel column
// (downsample.js) so 100,000-point curves draw fast and keep their spikes. The full arrays stay
// in `full` for hover, which reports the real value at the real step nearest the cursor.

import { alignSeries } from './train_series.js';
import { smoothEma, smoothingUnit, timeConstant } from './smoothing.js';
import { m4Indices } from './downsample.js';

// list: [{label, steps, values}]. Returns {data (uPlot's [xs, ys...]), drawn: [{label, raw, of}]
// (one per drawn y series; `of` indexes `full`), full: [{label, steps, values, smoothed}],
// points (finite raw points), drawnPoints, downsampled, unit, tau (steps; 0 when not smoothed)}.
export function chartData(list, { logScale = false, smoothing = 0, columns = 400 } = {}) {
  const unit = smoothingUnit(list);
  let points = 0;
  const full = list.map(({ label, steps, values: given }) => {
    const values = steps.map((_, i) => clean(given[i], logScale));
    for (const v of values) if (v !== null) points++;
    return { label, steps, values, smoothed: smoothing > 0 ? smoothEma(steps, values, smoothing, unit) : null };
  });
  const drawn = [];
  full.forEach((f, of) => {
    if (f.smoothed) drawn.push({ label: `${f.label} (raw)`, raw: true, of, values: f.values });
    drawn.push({ label: f.label, raw: false, of, values: f.smoothed || f.values });
  });
  // One column grid for the whole chart, so every series is reduced over the same columns.
  const lo = Math.min(...list.map((s) => (s.steps.length ? s.steps[0] : Infinity)));
  const hi = Math.max(...list.map((s) => (s.steps.length ? s.steps[s.steps.length - 1] : -Infinity)));
  let downsampled = false;
  const reduced = drawn.map((d) => {
    const { steps } = full[d.of];
    const keep = m4Indices(steps, d.values, columns, { lo, hi });
    if (keep.length < d.values.filter((v) => v !== null).length) downsampled = true;
    return { steps: keep.map((i) => steps[i]), values: keep.map((i) => d.values[i]) };
  });
  const { data, points: drawnPoints } = alignSeries(reduced, { logScale });
  return { data, drawn, full, points, drawnPoints, downsampled, unit, tau: timeConstant(smoothing, unit) };
}

function clean(v, logScale) {
  if (typeof v !== 'number' || !Number.isFinite(v) || (logScale && v <= 0)) return null;
  return v;
}
