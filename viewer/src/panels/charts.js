// Loss curves: one chart per quantity (total loss and each task's loss), one series per branch
// (train_series.js), so branches overlay; other runs of the root can be overlaid too. Polls
// update the charts in place unless the set of series changed, e.g. a new branch started.
// Log scale (log=1) and smoothing (smooth=<s>, smoothing.js) live in the URL hash.

import { h } from '../ui/dom.js';
import { notice } from '../ui/notice.js';
import { trainSeriesOf, chartSeries } from './train_series.js';
import { createLineChart } from './line_chart.js';
import { createSeriesColors } from './series_colors.js';
import { createOverlayPicker } from './overlay_picker.js';
import { createSmoothingControl } from './smoothing_control.js';
import { lossHealthOf, healthBands, healthSummary } from './loss_health.js';

const CHART_HEIGHT = 220;

export function createCharts(ctx) {
  const { store } = ctx;
  const colorFor = ctx.seriesColor || createSeriesColors();
  const logBox = h('input', { type: 'checkbox', onchange: () => ctx.setParams({ log: logBox.checked ? '1' : null }) });
  const smoothBox = createSmoothingControl((s) => ctx.setParams({ smooth: s }, { replace: true }));
  const picker = createOverlayPicker(ctx, (ids) => ctx.setParams({ runs: ids.join(',') || null }));
  const grid = h('div', { class: 'chart-grid' });
  const empty = h('div', { class: 'muted' }, 'No training metrics yet.');
  const el = h('section', { class: 'panel' },
    h('div', { class: 'panel-head' }, h('h2', {}, 'Losses'),
      h('label', { class: 'control' }, logBox, ' log scale'), smoothBox.el, picker.el,
      h('span', { class: 'muted small' }, 'drag to zoom · double-click to reset')),
    empty, grid);

  const charts = new Map(); // quantity -> line chart
  let logScale = false;
  let smoothing = 0;
  let overlayIds = [];
  let overlayUnsubs = [];
  const resize = new ResizeObserver(() => { for (const c of charts.values()) c.resize(); });
  resize.observe(grid);

  function sources() {
    const list = [{ prefix: '', store }];
    for (const id of overlayIds) list.push({ prefix: `${id.replace(/-\d{8}-\d{6}-/, '…')}: `, store: ctx.storeFor(id) });
    return list;
  }

  function update() {
    const bySource = sources().map(({ prefix, store: s }) => ({ prefix, series: trainSeriesOf(s.events) }));
    bySource[0].series.problems.forEach((p) => notice(p));
    const quantities = [...new Set(bySource.flatMap((b) => b.series.quantities))];
    empty.hidden = bySource.some((b) => b.series.segments.some((s) => s.steps.length));
    for (const q of quantities) {
      const list = bySource.flatMap(({ prefix, series }) => chartSeries(series.segments, q, { prefix }));
      if (list.length) chartFor(q).draw(list, { logScale, colorFor, smoothing });
    }
    for (const [q, c] of charts) if (!quantities.includes(q)) { c.destroy(); charts.delete(q); }
    // Loss health of this run's tasks (not of overlaid runs): a badge and shaded bands.
    const health = lossHealthOf(store.events);
    for (const [q, c] of charts) {
      const t = health.get(q);
      c.setHealth(t ? { health: t.worst, title: healthSummary(t) } : null, healthBands(t));
    }
  }

  function chartFor(q) {
    if (!charts.has(q)) {
      const c = createLineChart({ title: q === 'loss' ? 'loss (weighted total)' : `loss: ${q}`, dataset: { testid: 'chart', quantity: q }, height: CHART_HEIGHT });
      grid.append(c.card);
      charts.set(q, c);
    }
    return charts.get(q);
  }

  function setParams(params) {
    const nextLog = params.log === '1';
    const nextRuns = (params.runs || '').split(',').filter((id) => id && id !== store.runId);
    const nextSmoothing = smoothBox.set(params.smooth);
    logBox.checked = nextLog;
    picker.setSelected(nextRuns);
    const changed = nextLog !== logScale || nextSmoothing !== smoothing || nextRuns.join(',') !== overlayIds.join(',');
    logScale = nextLog;
    smoothing = nextSmoothing;
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
    destroy: () => { resize.disconnect(); overlayUnsubs.forEach((u) => u()); for (const c of charts.values()) c.destroy(); },
  };
}
