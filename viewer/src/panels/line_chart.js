// One uPlot chart card (title + plot) of series over training steps, as the loss charts and the
// evaluation-during-training charts draw them: drag to zoom x, double-click to reset, optional
// log y. `draw` updates in place with setData (keeping a user's zoom) unless the set of series
// or the scale changed, which rebuilds the plot. The box carries data-points and data-series
// for the browser tests.

import uPlot from 'uplot';
import { h, clear } from '../ui/dom.js';
import { alignSeries } from './train_series.js';
import { HEALTH_COLORS } from './loss_health.js';

// x ticks at whole steps only (1, 2, 5, 10, ... up to 10^9).
const STEP_INCREMENTS = Array.from({ length: 28 }, (_, i) => [1, 2, 5][i % 3] * 10 ** Math.floor(i / 3));

// `dataset` goes on the plot box (data-testid etc.); `showPoints` marks each point, for sparse
// series where a lone point would otherwise be invisible; `xLabel` names the x axis (whole numbers:
// steps, or epochs for the mixture-health curves). Returns {card, box, draw, setHealth, resize,
// destroy}; setHealth(badge, bands) shows a loss-health badge in the title and shades the bands
// ({start, end|null, health}) behind the curves (panels/loss_health.js).
export function createLineChart({ title, dataset, height, showPoints = false, xLabel = 'step' }) {
  const box = h('div', { class: 'chart', dataset });
  const badgeSlot = h('span', { class: 'health-slot' });
  const card = h('div', { class: 'chart-card' }, h('div', { class: 'chart-title', title }, title, badgeSlot), box);
  let plot = null;
  let bands = [];
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
      hooks: {
        setSelect: [(u) => { if (u.select.width > 0) zoomed = true; }],
        drawClear: [(u) => drawBands(u, bands)],
      },
    };
    plot = new uPlot(opts, data, box);
  }

  function setHealth(badge, nextBands) {
    clear(badgeSlot);
    if (badge) {
      badgeSlot.append(h('span', {
        class: `health-badge health-${badge.health}`,
        title: badge.title,
        style: `background:${HEALTH_COLORS[badge.health]}`,
        dataset: { testid: 'health-badge', health: badge.health },
      }, badge.health));
    }
    bands = nextBands || [];
    box.dataset.healthBands = String(bands.length);
    plot?.redraw(false);
  }

  return {
    card,
    box,
    draw,
    setHealth,
    resize: () => plot?.setSize(size()),
    destroy: () => { plot?.destroy(); plot = null; card.remove(); },
  };
}

// Shades each band's step range over the plot area (before the series are drawn, so the curves
// stay on top). A band still open (end null) runs to the right edge.
function drawBands(u, bands) {
  if (!bands.length) return;
  const { ctx, bbox } = u;
  const xMax = u.scales.x.max;
  ctx.save();
  ctx.globalAlpha = 0.13;
  for (const b of bands) {
    const x0 = Math.max(bbox.left, u.valToPos(b.start, 'x', true));
    const x1 = Math.min(bbox.left + bbox.width, u.valToPos(b.end ?? xMax, 'x', true));
    if (!(x1 > x0)) continue;
    ctx.fillStyle = HEALTH_COLORS[b.health];
    ctx.fillRect(x0, bbox.top, x1 - x0, bbox.height);
  }
  ctx.restore();
}
