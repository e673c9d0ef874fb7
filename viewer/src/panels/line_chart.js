// One uPlot chart card (title + plot) of series over training steps, as the loss charts and the
// evaluation-during-training charts draw them: drag to zoom x, double-click to reset, optional
// log y. `draw` updates in place with setData (keeping a user's zoom) unless the set of series
// or the scale changed, which rebuilds the plot. Series are smoothed on request and long ones
// downsampled per pixel column (chart_data.js); the legend shows, per series, the real value at
// the real step nearest the cursor. The box carries data-points (finite raw points), data-series,
// data-drawn-points, data-drawn-max (the largest drawn y), data-downsampled and data-smoothing for
// the browser tests.

import uPlot from 'uplot';
import { h, clear } from '../ui/dom.js';
import { chartData } from './chart_data.js';
import { nearestPoint } from './downsample.js';
import { fmtNumber } from '../ui/format.js';
import { HEALTH_COLORS } from './loss_health.js';

// x ticks at whole steps only (1, 2, 5, 10, ... up to 10^9).
const STEP_INCREMENTS = Array.from({ length: 28 }, (_, i) => [1, 2, 5][i % 3] * 10 ** Math.floor(i / 3));
const RAW_ALPHA = 0.22; // the raw line behind a smoothed one
const Y_AXIS_WIDTH = 56;

// `dataset` goes on the plot box (data-testid etc.); `showPoints` marks each point, for sparse
// series where a lone point would otherwise be invisible; `xLabel` names the x axis (whole numbers:
// steps, or epochs for the mixture-health curves). Returns {card, box, draw, setHealth, resize,
// destroy}; setHealth(badge, bands) shows a loss-health badge in the title and shades the bands
// ({start, end|null, health}) behind the curves (panels/loss_health.js).
export function createLineChart({ title, dataset, height, showPoints = false, xLabel = 'step' }) {
  const box = h('div', { class: 'chart', dataset });
  const badgeSlot = h('span', { class: 'health-slot' });
  const tauSlot = h('span', { class: 'muted small' });
  const card = h('div', { class: 'chart-card' }, h('div', { class: 'chart-title', title }, title, tauSlot, badgeSlot), box);
  let plot = null;
  let bands = [];
  let key = '';
  let zoomed = false;
  box.addEventListener('dblclick', () => { zoomed = false; });
  const size = () => ({ width: Math.max(240, box.clientWidth || 400), height });

  let last = null; // the last draw's arguments, redrawn on resize (the column count changes)
  let current = null; // the last chartData, for the legend's hover lookup

  // list: [{label, steps, values}]; smoothing in [0, 1) (smoothing.js), 0 = raw only.
  function draw(list, { logScale, colorFor, smoothing = 0 }) {
    last = [list, { logScale, colorFor, smoothing }];
    const columns = Math.max(50, (plot ? plot.bbox.width / devicePixelRatio : size().width - Y_AXIS_WIDTH - 10));
    current = chartData(list, { logScale, smoothing, columns });
    const { data, drawn } = current;
    const nextKey = JSON.stringify([list.map((s) => s.label), logScale, smoothing > 0]);
    Object.assign(box.dataset, {
      points: String(current.points), series: String(list.length), drawnPoints: String(current.drawnPoints),
      downsampled: String(current.downsampled), smoothing: String(smoothing), drawnMax: String(drawnMax(data)),
    });
    tauSlot.textContent = smoothing > 0 ? ` · smoothed, τ ≈ ${fmtNumber(current.tau, 2)} ${xLabel}s` : '';
    if (plot && key === nextKey) {
      plot.setData(data, !zoomed);
      if (zoomed) plot.redraw(); // setData without resetting the scales does not redraw
      return;
    }
    plot?.destroy();
    clear(box);
    key = nextKey;
    zoomed = false;
    const opts = {
      ...size(),
      scales: { x: { time: false }, y: logScale ? { distr: 3 } : {} },
      series: [{ label: xLabel }, ...drawn.map((d, j) => ({
        label: d.label,
        stroke: colorFor(list[d.of].label),
        width: d.raw ? 1 : 1.5,
        alpha: d.raw ? RAW_ALPHA : 1,
        spanGaps: true,
        points: { show: d.raw ? false : (u) => showPoints && u.data[0].length <= 300, size: 5 }, // markers only where they can be told apart
        value: (u, v, sidx, idx) => legendValue(u, j, idx),
      }))],
      // Steps are integers: with a handful of points uPlot would otherwise tick at 2.5, 7.5, ...
      axes: [{ label: xLabel, labelSize: 18, size: 36, incrs: STEP_INCREMENTS }, { size: Y_AXIS_WIDTH }],
      cursor: { drag: { x: true, y: false } },
      hooks: {
        setSelect: [(u) => { if (u.select.width > 0) zoomed = true; }],
        drawClear: [(u) => drawBands(u, bands)],
        setSeries: [(u, sidx, o) => followPartner(u, sidx, o)],
      },
    };
    plot = new uPlot(opts, data, box);
    // The faint raw lines have no legend row of their own: the smoothed series' row shows both.
    const rows = plot.root.querySelectorAll('.u-legend .u-series');
    drawn.forEach((d, j) => { if (d.raw) rows[j + 1]?.remove(); });
  }

  // The real (raw) value at the real step nearest the cursor, and the smoothed value there.
  function legendValue(u, j, idx) {
    if (idx === null || idx === undefined || !current) return '–';
    const d = current.drawn[j];
    const f = current.full[d.of];
    const x = u.cursor.left >= 0 ? u.posToVal(u.cursor.left, 'x') : u.data[0][idx];
    const p = nearestPoint(f.steps, f.values, x);
    if (!p) return '–';
    const smoothed = f.smoothed?.[p.index];
    return `${fmtNumber(p.value)} @ ${p.step}${smoothed !== undefined && smoothed !== null ? ` · smoothed ${fmtNumber(smoothed)}` : ''}`;
  }

  // Hiding a series (legend click) hides its faint raw line too.
  let following = false;
  function followPartner(u, sidx, o) {
    if (following || !current || !o || o.show === undefined || sidx === null) return;
    const d = current.drawn[sidx - 1];
    if (!d || d.raw) return;
    const partner = current.drawn.findIndex((e) => e.raw && e.of === d.of);
    if (partner < 0) return;
    following = true;
    u.setSeries(partner + 1, { show: o.show });
    following = false;
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
    resize: () => {
      if (!plot) return;
      plot.setSize(size());
      if (last && (current?.downsampled || current?.points > 2 * plot.bbox.width / devicePixelRatio)) draw(...last);
    },
    destroy: () => { plot?.destroy(); plot = null; card.remove(); },
  };
}

function drawnMax(data) {
  let max = -Infinity;
  for (let i = 1; i < data.length; i++) for (const v of data[i]) if (v !== null && v > max) max = v;
  return max;
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
