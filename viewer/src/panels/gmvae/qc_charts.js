// q(c|x) during training: the GM-VAE fields of train.metrics (qc_neff, qc_pmax, qc_entropy_mean,
// and the scheduled cat_kl_weight and entropy_bonus_weight), one chart each over steps, one series
// per branch named and coloured as in the loss charts. Hidden when the events carry none.

import { h } from '../../ui/dom.js';
import { createChartSet } from '../chart_set.js';
import { qcSeries } from './mixture_files.js';

const TITLES = {
  qc_neff: 'batch effective components (qc_neff)',
  qc_pmax: 'batch largest component weight (qc_pmax)',
  qc_entropy_mean: 'mean entropy of q(c|x) (nats)',
  cat_kl_weight: 'categorical KL weight (schedule)',
  entropy_bonus_weight: 'entropy bonus weight (schedule)',
};

export function createQcCharts({ store, seriesColor }) {
  const grid = h('div', { class: 'chart-grid chart-grid-small' });
  const el = h('div', { class: 'card', hidden: true }, h('h3', {}, 'q(c|x) during training (train.metrics)'), grid);
  const charts = createChartSet(grid, (key) => ({ title: TITLES[key] || key, height: 150, showPoints: true, dataset: { testid: 'qc-chart', metric: key } }));

  // Returns true when there is something to draw.
  function update() {
    const { keys, series } = qcSeries(store.events);
    el.hidden = !keys.length;
    if (keys.length) charts.draw(keys.map((k) => [k, series.get(k)]), { colorFor: seriesColor });
    return keys.length > 0;
  }

  return { el, update, destroy: () => charts.destroy() };
}
