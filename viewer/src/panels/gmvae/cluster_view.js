// Clusters against labels: the newest cluster_confusion heatmap (components x labels counts, as
// acc drew it) with its scores, and the cluster_baselines table — the GM-VAE, k-means on raw
// pixels and k-means on its latent means, scored the same way — so the comparison is one table.

import { h, clear, setText } from '../../ui/dom.js';
import { fmtNumber } from '../../ui/format.js';
import { loadMirrored, latestOnly } from '../../data/mirrored_json.js';
import { artifactImage } from '../node_images.js';
import { evalArtifactsCommand, runsRootOf } from '../../data/inspect_request.js';
import { clusterFiles, baselineRows } from './mixture_files.js';

export function createClusterView({ store }) {
  const summary = h('div', { class: 'muted small', dataset: { testid: 'cluster-summary' } });
  const heatmap = h('div', { dataset: { testid: 'cluster-heatmap' } });
  const table = h('div', { dataset: { testid: 'cluster-baselines' } });
  const el = h('div', { class: 'card', dataset: { testid: 'cluster-view' } }, h('h3', {}, 'Clusters vs labels'), summary, heatmap, table);
  const latest = latestOnly();
  let shown = '';

  async function show(list) {
    const files = clusterFiles(list);
    const key = JSON.stringify([files.confusion?.path, files.confusionPng?.path, files.baselines?.path]);
    if (key === shown) return;
    shown = key;
    clear(heatmap);
    clear(table);
    if (!files.confusion && !files.baselines) {
      const tag = store.summary?.current_node?.tag || store.nodes().at(-1)?.tag;
      setText(summary, 'No cluster files yet' + (tag ? `; make them with ${evalArtifactsCommand(store.runId, tag, ['cluster_confusion', 'cluster_baselines'], runsRootOf(store.runUrl))}` : ''));
      return;
    }
    const [confusion, baselines] = await latest(() => Promise.all([
      files.confusion ? loadMirrored(store, files.confusion.path) : null,
      files.baselines ? loadMirrored(store, files.baselines.path) : null]));
    const s = confusion?.scores;
    setText(summary, s ? `${files.confusion.tag} · K = ${confusion.components} components, ${confusion.classes} labels · n = ${s.n} · accuracy ${fmtNumber(s.accuracy, 3)} · purity ${fmtNumber(s.purity, 3)} · NMI ${fmtNumber(s.nmi, 3)} · ${s.clusters_used} components hold >= 2% · mean H(q(c|x)) ${fmtNumber(confusion.qc_entropy_mean, 3)} nats`
      : (files.confusion ? `${files.confusion.path}: not in the viewer mirror yet` : ''));
    if (files.confusionPng) {
      const image = artifactImage(store, files.confusionPng.path, { maxWidth: 360 });
      image.dataset.testid = 'cluster-heatmap-image';
      heatmap.append(h('div', { class: 'muted small' }, 'rows: components (ordered by matched label) · columns: labels 0..C-1 · shade: share of the row'), image);
    }
    if (files.baselines) drawTable(baselines, files.baselines);
  }

  function drawTable(data, artifact) {
    if (!data) { table.append(h('div', { class: 'muted small' }, `${artifact.path}: not in the viewer mirror yet`)); return; }
    const rows = baselineRows(data);
    if (typeof rows === 'string') { table.append(h('div', { class: 'notice notice-warn small' }, `${artifact.path}: ${rows}`)); return; }
    const head = h('tr', {}, ...['method', 'space', 'accuracy', 'purity', 'NMI', 'used', 'n'].map((t) => h('th', {}, t)));
    const body = rows.map((r) => h('tr', { dataset: { testid: 'cluster-baseline-row', method: r.method, accuracy: String(r.accuracy) } },
      h('td', {}, r.method), h('td', { class: 'muted small' }, r.space), ...[r.accuracy, r.purity, r.nmi].map((v) => h('td', { class: 'num' }, fmtNumber(v, 3))),
      h('td', { class: 'num' }, r.clusters_used ?? '–'), h('td', { class: 'num' }, r.n ?? '–')));
    table.append(h('div', { class: 'muted small' }, `${artifact.tag} · test split · k-means: K = ${data.components}, k-means++ with ${data.rows[1]?.restarts ?? '?'} restarts, seed ${data.rows[1]?.seed ?? '?'}, fitted on the train split`),
      h('table', { class: 'grid compact small' }, h('thead', {}, head), h('tbody', {}, ...body)));
  }

  return { el, show };
}
