// Loss curves with uPlot: one chart per quantity (total loss and each task's loss), one series per
// train segment, so branches overlay; other runs of the root can be overlaid too. Polls update the
// charts with setData (no rebuild) unless the set of series changed, e.g. a new branch started.

import uPlot from 'uplot';
import { h, clear } from '../ui/dom.js';
import { trainSeries, alignSeries } from './train_series.js';
import { createOverlayPicker } from './overlay_picker.js';

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];
const CHART_HEIGHT = 220;
// x ticks at whole steps only (1, 2, 5, 10, ... up to 10^9).
const STEP_INCREMENTS = Array.from({ length: 28 }, (_, i) => [1, 2, 5][i % 3] * 10 ** Math.floor(i / 3));

export function createCharts(ctx) {
  const { store } = ctx;
  const logBox = h('input', { type: 'checkbox', onchange: () => ctx.setParams({ log: logBox.checked ? '1' : null }) });
  const picker = createOverlayPicker(ctx, (ids) => ctx.setParams({ runs: ids.join(',') || null }));
  const grid = h('div', { class: 'chart-grid' });
  const empty = h('div', { class: 'muted' }, 'No training metrics yet.');
  const el = h('section', { class: 'panel' },
    h('div', { class: 'panel-head' }, h('h2', {}, 'Losses'),
      h('label', { class: 'control' }, logBox, ' log scale'), picker.el,
      h('span', { class: 'muted small' }, 'drag to zoom · double-click to reset')),
    empty, grid);

  const charts = new Map(); // quantity -> {box, plot, labels, zoomed}
  const colors = new Map();
  let logScale = false;
  let overlayIds = [];
  let overlayUnsubs = [];
  const resize = new ResizeObserver(() => { for (const c of charts.values()) c.plot?.setSize(size(c.box)); });
  resize.observe(grid);

  function colorFor(label) {
    if (!colors.has(label)) colors.set(label, PALETTE[colors.size % PALETTE.length]);
    return colors.get(label);
  }

  function sources() {
    const list = [{ prefix: '', store }];
    for (const id of overlayIds) list.push({ prefix: `${id.replace(/-\d{8}-\d{6}-/, '…')}: `, store: ctx.storeFor(id) });
    return list;
  }

  function update() {
    const bySource = sources().map(({ prefix, store: s }) => ({ prefix, series: trainSeries(s.events) }));
    const quantities = [...new Set(bySource.flatMap((b) => b.series.quantities))];
    const hasData = bySource.some((b) => b.series.segments.length);
    empty.hidden = hasData;
    for (const q of quantities) {
      const list = [];
      for (const { prefix, series } of bySource)
        for (const seg of series.segments)
          if (seg.values[q]) list.push({ label: prefix + seg.name, steps: seg.steps, values: seg.values[q] });
      if (!list.length) continue;
      drawChart(q, list);
    }
    for (const [q, c] of charts) if (!quantities.includes(q)) { c.plot?.destroy(); c.box.remove(); charts.delete(q); }
  }

  function drawChart(q, list) {
    let c = charts.get(q);
    if (!c) {
      const box = h('div', { class: 'chart', dataset: { testid: 'chart', quantity: q } });
      grid.append(h('div', { class: 'chart-card' }, h('div', { class: 'chart-title' }, q === 'loss' ? 'loss (weighted total)' : `loss: ${q}`), box));
      c = { box, plot: null, key: '', zoomed: false };
      box.addEventListener('dblclick', () => { c.zoomed = false; });
      charts.set(q, c);
    }
    const { data, points } = alignSeries(list, { logScale });
    const key = JSON.stringify([list.map((s) => s.label), logScale]);
    c.box.dataset.points = String(points);
    if (c.plot && c.key === key) {
      c.plot.setData(data, !c.zoomed);
      return;
    }
    c.plot?.destroy();
    clear(c.box);
    c.key = key;
    c.zoomed = false;
    const opts = {
      ...size(c.box),
      scales: { x: { time: false }, y: logScale ? { distr: 3 } : {} },
      series: [{ label: 'step' }, ...list.map((s) => ({ label: s.label, stroke: colorFor(s.label), width: 1.5, spanGaps: true, points: { show: false } }))],
      // Steps are integers: with a handful of points uPlot would otherwise tick at 2.5, 7.5, ...
      axes: [{ label: 'step', labelSize: 18, size: 36, incrs: STEP_INCREMENTS }, { size: 56 }],
      cursor: { drag: { x: true, y: false } },
      hooks: { setSelect: [(u) => { if (u.select.width > 0) c.zoomed = true; }] },
    };
    c.plot = new uPlot(opts, data, c.box);
  }

  function size(box) {
    return { width: Math.max(280, box.clientWidth || 400), height: CHART_HEIGHT };
  }

  function setParams(params) {
    const nextLog = params.log === '1';
    const nextRuns = (params.runs || '').split(',').filter((id) => id && id !== store.runId);
    logBox.checked = nextLog;
    picker.setSelected(nextRuns);
    const changed = nextLog !== logScale || nextRuns.join(',') !== overlayIds.join(',');
    logScale = nextLog;
    if (nextRuns.join(',') !== overlayIds.join(',')) {
      overlayUnsubs.forEach((u) => u());
      overlayIds = nextRuns;
      overlayUnsubs = overlayIds.map((id) => { const s = ctx.storeFor(id); s.start(); return s.subscribe((ch) => { if (ch.events || ch.first) update(); }); });
    }
    if (changed) update();
  }

  return {
    el,
    update: (change) => { if (!change || change.events || change.first) update(); },
    setParams,
    destroy: () => { resize.disconnect(); overlayUnsubs.forEach((u) => u()); for (const c of charts.values()) c.plot?.destroy(); },
  };
}
