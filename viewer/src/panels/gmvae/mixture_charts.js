// Mixture health over epochs: one chart per quantity (neff, argmax_neff, entropy, pmax), x =
// epoch, one series per training branch, read from the mixture_health files a train op writes at
// each epoch end (`_epoch_<E>` versions). Files load once each (they are never rewritten); a
// chart redraws when a new epoch's file arrives.

import { h, setText } from '../../ui/dom.js';
import { loadMirrored } from '../../data/mirrored_json.js';
import { createChartSet } from '../chart_set.js';
import { MIXTURE_QUANTITIES, epochFilesByLabel, mixtureSeries } from './mixture_files.js';

const CHART_HEIGHT = 170;

export function createMixtureCharts({ store, seriesColor }) {
  const grid = h('div', { class: 'chart-grid chart-grid-small' });
  const info = h('div', { class: 'muted small', dataset: { testid: 'mixture-charts-info' } });
  const el = h('div', { class: 'card' }, h('h3', {}, 'Mixture health over epochs'), info, grid);
  const charts = createChartSet(grid, (key) => ({
    title: MIXTURE_QUANTITIES.find((q) => q.key === key).title, xLabel: 'epoch', height: CHART_HEIGHT, showPoints: true,
    dataset: { testid: 'mixture-chart', quantity: key },
  }));
  const records = new Map(); // path -> {label, epoch, data}
  const pending = new Set();
  let drawnKey = '';

  // files: mixture_files.js's mixtureHealthFiles(...).
  function show(files) {
    const byLabel = epochFilesByLabel(files);
    for (const [label, list] of byLabel)
      for (const { epoch, artifact } of list) if (!records.has(artifact.path)) load(label, epoch, artifact.path);
    const wanted = [...byLabel.values()].flat().map((x) => x.artifact.path);
    const have = wanted.filter((p) => records.has(p));
    el.hidden = !wanted.length;
    setText(info, wanted.length ? `${byLabel.size} branch${byLabel.size === 1 ? '' : 'es'} · ${have.length} of ${wanted.length} epoch files loaded · test split, soft q(c|x) averaged (p) and argmax counts` : '');
    const key = have.join('|');
    if (key === drawnKey || !have.length) return;
    drawnKey = key;
    const list = have.map((p) => records.get(p));
    charts.draw(MIXTURE_QUANTITIES.map((q) => [q.key, mixtureSeries(list, q.key)]).filter(([, s]) => s.length), { colorFor: seriesColor });
  }

  async function load(label, epoch, path) {
    if (pending.has(path)) return;
    pending.add(path);
    const data = await loadMirrored(store, path);
    pending.delete(path);
    if (!data) return; // not mirrored yet: the next update retries
    records.set(path, { label, epoch, data });
    show(lastFiles);
  }

  let lastFiles = [];
  return { el, show: (files) => { lastFiles = files; show(files); }, destroy: () => charts.destroy() };
}
