// Watched features over steps (debug/trajectories.json, announced by debug.trajectories events):
// a metric toggle, one line per watched feature (line_chart.js, as the loss charts), and the
// watched features' pairwise cosine matrix (heatmap.js). The file is reloaded whenever its
// mirror stamp changes, i.e. each time acc rewrites it.

import { h, setText } from '../../ui/dom.js';
import { createLineChart } from '../line_chart.js';
import { createSeriesColors } from '../series_colors.js';
import { loadMirrored, mirrorKey, latestOnly } from '../../data/mirrored_json.js';
import { TRAJECTORY_METRICS, trajectorySeries } from './trajectory_series.js';
import { createHeatmap } from './heatmap.js';

const CHART_HEIGHT = 200;

export function createTrajectoryView({ store }) {
  const colorFor = createSeriesColors(); // own palette: feature ids, not branches
  let metric = TRAJECTORY_METRICS[0];
  const buttons = TRAJECTORY_METRICS.map((m) => h('button', { type: 'button', dataset: { metric: m }, onclick: () => { metric = m; draw(); } }, m));
  const info = h('div', { class: 'muted small', dataset: { testid: 'debug-trajectory-info' } });
  const chart = createLineChart({ title: 'watched features', dataset: { testid: 'debug-trajectory-chart' }, height: CHART_HEIGHT, showPoints: true });
  const pairTitle = h('div', { class: 'chart-title' });
  const pairwise = createHeatmap({ testid: 'debug-pairwise', targetPx: 200 });
  const el = h('div', { class: 'card debug-trajectories', hidden: true, dataset: { testid: 'debug-trajectories' } },
    h('div', { class: 'panel-head' }, h('h3', {}, 'Trajectories'), h('div', { class: 'button-group', dataset: { testid: 'debug-trajectory-metric' } }, buttons)),
    info, h('div', { class: 'trajectory-grid' }, chart.card, h('div', {}, pairTitle, pairwise.el)));
  const resize = new ResizeObserver(() => chart.resize());
  resize.observe(el);
  const latest = latestOnly();
  let data = null;
  let shownKey = '';

  // `announced`: the payload of the last debug.trajectories event, or null.
  async function show(announced) {
    if (!announced?.path) return;
    const key = mirrorKey(store, announced.path);
    if (key === shownKey) return;
    shownKey = key;
    const next = await latest(() => loadMirrored(store, announced.path));
    if (!next) return; // not mirrored yet: the next update retries
    data = next;
    el.hidden = false; // before drawing: uPlot sizes itself from the box
    draw();
  }

  function draw() {
    for (const b of buttons) b.classList.toggle('active', b.dataset.metric === metric);
    if (!data) return;
    const list = trajectorySeries(data, metric);
    setText(chart.card.querySelector('.chart-title'), `${metric} of the watched features`);
    const watched = data.watched || [];
    setText(info, `${data.layer ?? ''} · watched ${watched.length ? watched.join(', ') : 'none'} · up to ${data.cap ?? '?'} points per feature (older points thinned beyond)`);
    if (list.length) chart.draw(list, { logScale: false, colorFor });
    const pw = data.pairwise;
    pairwise.el.hidden = !pw?.matrix?.length;
    setText(pairTitle, pw?.matrix?.length ? `pairwise cosine of watched features (step ${pw.step})` : '');
    if (pw?.matrix?.length) pairwise.draw(pw.matrix, { labels: pw.features });
  }

  return { el, show, destroy: () => { resize.disconnect(); chart.destroy(); } };
}
