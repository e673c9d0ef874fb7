// Which GM-VAE files a run has (docs/run-format.md, "Artifacts": mixture health, prior-component
// and posterior-local samples), found among its artifact.created entries (data/artifact_log.js),
// and the series the panels draw from them. Pure (no DOM), tested by gmvae.test.mjs under node.

import { findArtifacts, versionOf, compareVersions, newestOf } from '../../data/artifact_log.js';

// The mixture-health curves, one chart each (fields of the mixture_health file).
export const MIXTURE_QUANTITIES = [
  { key: 'neff', title: 'effective components exp(H(p))' },
  { key: 'argmax_neff', title: 'effective components of argmax counts' },
  { key: 'entropy', title: 'entropy of p (nats)' },
  { key: 'pmax', title: 'largest component weight pmax' },
  { key: 'clustering.accuracy', title: 'clustering accuracy (Hungarian, argmax q(c|x))' },
  { key: 'clustering.nmi', title: 'NMI of argmax q(c|x) and the labels' },
];

// data['a.b'] as data.a.b: the clustering scores sit in a nested `clustering` object.
export function fieldOf(data, key) {
  return key.split('.').reduce((v, part) => (v == null ? undefined : v[part]), data);
}
// The train.metrics fields a GM-VAE run adds (scalars; qc_argmax_counts is a list and not drawn).
export const QC_KEYS = ['qc_neff', 'qc_pmax', 'qc_entropy_mean', 'cat_kl_weight', 'entropy_bonus_weight'];

const PRIOR_NAME = /^prior_component_c_(\d+)_m_(\d+)$/;
const POSTERIOR_NAME = /^posterior_local_idx_(\d+)_m_(\d+)$/;

// "epoch_3" / "step_120": the part of a path that two files of one version share.
export function versionKey(a) {
  const v = versionOf(a);
  return v.epoch !== undefined ? `epoch_${v.epoch}` : `step_${v.step}`;
}

// Every mixture_health JSON, oldest first.
export function mixtureHealthFiles(list) {
  return findArtifacts(list, { kind: 'mixture', name: 'mixture_health', format: 'json' }).sort(compareVersions);
}

// The epoch-end files per branch label: Map label -> [{epoch, artifact}] by epoch (a rewritten
// epoch keeps its newest file).
export function epochFilesByLabel(files) {
  const out = new Map();
  for (const a of files) {
    const { epoch } = versionOf(a);
    if (epoch === undefined) continue;
    if (!out.has(a.tag)) out.set(a.tag, new Map());
    out.get(a.tag).set(epoch, a);
  }
  return new Map([...out].map(([label, byEpoch]) => [label, [...byEpoch].sort((x, y) => x[0] - y[0]).map(([epoch, artifact]) => ({ epoch, artifact }))]));
}

// records: [{label, epoch, data}] (data = a parsed mixture_health file) → for `key`, one series
// per label {label: 'from <label>', steps: epochs, values} as line_chart.js draws them (named
// like the loss charts' branches, so a branch has one colour on the page).
export function mixtureSeries(records, key) {
  const byLabel = new Map();
  for (const r of records) {
    if (!byLabel.has(r.label)) byLabel.set(r.label, []);
    byLabel.get(r.label).push(r);
  }
  const out = [];
  for (const [label, rs] of byLabel) {
    rs.sort((a, b) => a.epoch - b.epoch);
    const v = rs.map((r) => { const x = fieldOf(r.data, key); return Number.isFinite(x) ? x : null; });
    if (v.some((x) => x !== null)) out.push({ label: `from ${label}`, steps: rs.map((r) => r.epoch), values: v });
  }
  return out;
}

// The per-component bars of one mixture_health file: [{component, p, count}], or a problem string
// when p and argmax_counts do not have K entries.
export function usageBars(data) {
  const k = data?.components;
  const p = data?.p;
  const counts = data?.argmax_counts;
  if (!Number.isInteger(k) || !Array.isArray(p) || p.length !== k) return `p has ${Array.isArray(p) ? p.length : 'no'} entries for ${k} components`;
  if (counts !== undefined && (!Array.isArray(counts) || counts.length !== k)) return `argmax_counts has ${Array.isArray(counts) ? counts.length : 'no'} entries for ${k} components`;
  return p.map((pc, c) => ({ component: c, p: pc, count: counts ? counts[c] : null }));
}

// train.metrics events → {keys: QC keys present, series: Map key -> [{label, steps, values}]},
// one series per branch (`from`), named like the loss charts' ('from <tag>').
export function qcSeries(events) {
  const branches = new Map(); // from -> {steps, values: {key: []}}
  const present = new Set();
  for (const e of events) {
    if (e.type !== 'train.metrics') continue;
    const p = e.payload;
    if (!QC_KEYS.some((k) => Number.isFinite(p[k]))) continue;
    const from = p.from ?? '';
    if (!branches.has(from)) branches.set(from, { steps: [], values: Object.fromEntries(QC_KEYS.map((k) => [k, []])) });
    const b = branches.get(from);
    b.steps.push(p.step);
    for (const k of QC_KEYS) {
      const v = Number.isFinite(p[k]) ? p[k] : null;
      if (v !== null) present.add(k);
      b.values[k].push(v);
    }
  }
  const keys = QC_KEYS.filter((k) => present.has(k));
  const series = new Map(keys.map((k) => [k, [...branches].filter(([, b]) => b.values[k].some((v) => v !== null))
    .map(([from, b]) => ({ label: from ? `from ${from}` : 'start', steps: b.steps, values: b.values[k] }))]));
  return { keys, series };
}

// The prior-component sample grids of one label and version: [{component, m, png, json}] by
// component (the newest file of each when one was written twice).
export function priorComponentFiles(list, label, version) {
  const byComponent = new Map();
  for (const a of findArtifacts(list, { kind: 'samples', label, name: PRIOR_NAME })) {
    if (versionKey(a) !== version) continue;
    const [, c, m] = PRIOR_NAME.exec(a.name);
    const key = Number(c);
    if (!byComponent.has(key)) byComponent.set(key, { component: key, m: Number(m) });
    const entry = byComponent.get(key);
    if (!entry[a.format] || compareVersions(a, entry[a.format]) >= 0) entry[a.format] = a;
  }
  return [...byComponent.values()].sort((a, b) => a.component - b.component);
}

// The newest posterior-local samples of test row `index` for checkpoint node `node` ({id, tag}):
// files labelled with its tag (evaluations, `acc inspect`) or naming it as their node (a train
// op's epoch-end files, labelled with the branch). {m, png, json} or null.
export function posteriorLocalFiles(list, node, index) {
  const matching = findArtifacts(list, { kind: 'samples', name: POSTERIOR_NAME })
    .filter((a) => (a.tag === node.tag || (node.id && a.node === node.id)) && Number(POSTERIOR_NAME.exec(a.name)[1]) === index);
  const png = newestOf(matching.filter((a) => a.format === 'png'));
  if (!png) return null;
  const json = newestOf(matching.filter((a) => a.format === 'json' && a.name === png.name && versionKey(a) === versionKey(png)));
  return { m: Number(POSTERIOR_NAME.exec(png.name)[2]), png, json };
}

// The newest cluster_confusion (JSON and its PNG) and cluster_baselines files of the run, from any
// node: {confusion, confusionPng, baselines}, each an artifact entry or null.
export function clusterFiles(list) {
  const newest = (name, format) => newestOf(findArtifacts(list, { kind: 'clusters', name, format }));
  const confusion = newest('cluster_confusion', 'json');
  const png = confusion && findArtifacts(list, { kind: 'clusters', name: 'cluster_confusion', format: 'png' })
    .filter((a) => a.tag === confusion.tag && versionKey(a) === versionKey(confusion));
  return { confusion, confusionPng: png?.length ? newestOf(png) : null, baselines: newest('cluster_baselines', 'json') };
}

// The rows of a cluster_baselines file as the comparison table shows them:
// [{method, space, accuracy, purity, nmi, clusters_used, n}], or a problem string.
export function baselineRows(data) {
  if (!Array.isArray(data?.rows) || !data.rows.length) return 'the file has no rows';
  for (const r of data.rows)
    if (typeof r.method !== 'string' || !['accuracy', 'purity', 'nmi'].every((k) => Number.isFinite(r[k])))
      return `row ${JSON.stringify(r.method ?? null)} lacks method, accuracy, purity or nmi`;
  return data.rows.map((r) => ({ method: r.method, space: r.space ?? '', accuracy: r.accuracy, purity: r.purity, nmi: r.nmi,
    clusters_used: r.clusters_used ?? null, n: r.n ?? null }));
}
