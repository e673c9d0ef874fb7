// One uPlot chart card (title + plot) of series over training steps, as the loss charts and the
// evaluation-during-training charts draw them: drag to zoom x, double-click to reset, optional
// log y. `draw` updates in place with setData (keeping a user's zoom) unless the set of series
// or the scale changed, which rebuilds the plot. The box carries data-points and data-series
// for the browser tests.

import uPlot from 'uplot';
import { h, clear } from '../ui/dom.js';
import { alignSeries } from './train_series.js';

// x ticks at whole steps only (1, 2, 5, 10, ... up to 10^9).
const STEP_INCREMENTS = Array.from({ length: 28 }, (_, i) => [1, 2, 5][i % 3] * 10 ** Math.floor(i / 3));

// `dataset` goes on the plot box (data-testid etc.); `showPoints` marks each point, for sparse
// series where a lone point would otherwise be invisible; `xLabel` names the x axis (whole numbers:
// steps, or epochs for the mixture-health curves). Returns {card, box, draw, resize, destroy}.
export function createLineChart({ title, dataset, height, showPoints = false, xLabel = 'step' }) {
  const box = h('div', { class: 'chart', dataset });
  const card = h('div', { class: 'chart-card' }, h('div', { class: 'chart-title', title }, title), box);
  let plot = null;
  let key = '';
  let zoomed = false;
  box.addEventListener('dblclick', () => { zoomed = false; });
  const size = () => ({ width: Math.max(240, box.clientWidth || 400), height });

  // list: [{label, steps, values}]
  function draw(list, { logScale, colorFor }) {
    const { data, points } = alignSeries(list, { logScale });
    const nextKey = JSON.stringify([list.map((s) => s.label), logScale]);
    box.dataset.points = String(points);
    box.dataset.series = String(list.length);
    if (plot && key === nextKey) {
      plot.setData(data, !zoomed);
      return;
    }
    plot?.destroy();
    clear(box);
    key = nextKey;
    zoomed = false;
    const opts = {
      ...size(),
      scales: { x: { time: false }, y: logScale ? { distr: 3 } : {} },
      series: [{ label: xLabel }, ...list.map((s) => ({ label: s.label, stroke: colorFor(s.label), width: 1.5, spanGaps: true, points: { show: showPoints, size: 5 } }))],
      // Steps are integers: with a handful of points uPlot would otherwise tick at 2.5, 7.5, ...
      axes: [{ label: xLabel, labelSize: 18, size: 36, incrs: STEP_INCREMENTS }, { size: 56 }],
      cursor: { drag: { x: true, y: false } },
      hooks: { setSelect: [(u) => { if (u.select.width > 0) zoomed = true; }] },
    };
    plot = new uPlot(opts, data, box);
  }

  return {
    card,
    box,
    draw,
    resize: () => plot?.setSize(size()),
    destroy: () => { plot?.destroy(); plot = null; card.remove(); },
  };
}
