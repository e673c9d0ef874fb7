// "Evaluation during training": train.eval events (a train op's `eval_every`) drawn as one small
// chart per task.metric, x = step, one series per branch with the names and colours of the loss
// charts (train_series.js, series_colors.js), to see when branches start to differ. Hidden while
// the run has no train.eval events. Log scale is its own hash key (eval_log=1): these metrics are
// often fractions or cosines, where the losses' log scale would drop the values <= 0; so is the
// smoothing (eval_smooth=<s>): these curves have far fewer points than the losses.

import { h } from '../ui/dom.js';
import { notice } from '../ui/notice.js';
import { trainSeriesOf, chartSeries } from './train_series.js';
import { createLineChart } from './line_chart.js';
import { createSeriesColors } from './series_colors.js';
import { createSmoothingControl } from './smoothing_control.js';

const CHART_HEIGHT = 150;

export function createEvalCurves(ctx) {
  const { store } = ctx;
  const colorFor = ctx.seriesColor || createSeriesColors();
  const logBox = h('input', { type: 'checkbox', onchange: () => ctx.setParams({ eval_log: logBox.checked ? '1' : null }) });
  const smoothBox = createSmoothingControl((s) => ctx.setParams({ eval_smooth: s }, { replace: true }));
  const grid = h('div', { class: 'chart-grid chart-grid-small' });
  const el = h('section', { class: 'panel', hidden: true, dataset: { testid: 'eval-curves' } },
    h('div', { class: 'panel-head' }, h('h2', {}, 'Evaluation during training'),
      h('label', { class: 'control' }, logBox, ' log scale'), smoothBox.el,
      h('span', { class: 'muted small' }, 'one chart per task.metric · drag to zoom · double-click to reset')),
    grid);

  const charts = new Map(); // task.metric -> line chart
  let logScale = false;
  let smoothing = 0;
  const resize = new ResizeObserver(() => { for (const c of charts.values()) c.resize(); });
  resize.observe(grid);

  function update() {
    const { evalKeys, segments, problems } = trainSeriesOf(store.events);
    problems.forEach((p) => notice(p));
    const drawn = [];
    for (const key of evalKeys) {
      const list = chartSeries(segments, key, { evaluation: true });
      if (!list.length) continue; // only nulls so far
      el.hidden = false; // before drawing: uPlot sizes itself from the box
      chartFor(key).draw(list, { logScale, colorFor, smoothing });
      drawn.push(key);
    }
    for (const [key, c] of charts) if (!drawn.includes(key)) { c.destroy(); charts.delete(key); }
    el.hidden = !drawn.length;
  }

  // Charts stay in key order (evalKeys is sorted) when a metric first appears mid-run.
  function chartFor(key) {
    if (!charts.has(key)) {
      const c = createLineChart({ title: key, dataset: { testid: 'eval-chart', metric: key }, height: CHART_HEIGHT, showPoints: true });
      const next = [...charts.keys()].filter((k) => k > key).sort()[0];
      grid.insertBefore(c.card, next ? charts.get(next).card : null);
      charts.set(key, c);
    }
    return charts.get(key);
  }

  function setParams(params) {
    const next = params.eval_log === '1';
    const nextSmoothing = smoothBox.set(params.eval_smooth);
    logBox.checked = next;
    if (next === logScale && nextSmoothing === smoothing) return;
    logScale = next;
    smoothing = nextSmoothing;
    update();
  }

  return {
    el,
    update: (change) => { if (!change || change.events || change.first) update(); },
    setParams,
    destroy: () => { resize.disconnect(); for (const c of charts.values()) c.destroy(); },
  };
}
