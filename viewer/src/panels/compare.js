// Comparison of two or more nodes (view=compare&nodes=a,b or run_id/tag for other runs): metrics
// side by side with the difference from the first node, seed-group mean ± 95% interval, and the
// traversal / sort grids side by side per latent group.

import { h, clear } from '../ui/dom.js';
import { fmtNumber, fmtSigned } from '../ui/format.js';
import { flatMetrics, seedGroups, metricStats } from './compare_stats.js';
import { nodeImages, artifactImage } from './node_images.js';
import { createNodeAdder } from './node_adder.js';

export function createCompare(ctx) {
  const { store, getParams, setParams } = ctx;
  const adder = createNodeAdder(ctx, (ref) => {
    const refs = refsFromParams();
    if (!refs.includes(ref)) setParams({ nodes: [...refs, ref].join(',') });
  });
  const body = h('div', {});
  const el = h('section', { class: 'panel', dataset: { testid: 'compare' } },
    h('div', { class: 'panel-head' }, h('h2', {}, 'Compare nodes'), adder.el), body);
  let key = '';
  const watched = new Map(); // other runs' stores -> unsubscribe

  // Follows the other runs' stores named in the comparison (their nodes load asynchronously).
  function watch(stores) {
    for (const [s, unsub] of watched) if (!stores.includes(s)) { unsub(); watched.delete(s); }
    for (const s of stores) if (!watched.has(s)) { s.start(); watched.set(s, s.subscribe(() => update())); }
  }

  const refsFromParams = () => (getParams().nodes || '').split(',').filter(Boolean);

  // "tag" (this run) or "run_id/tag" -> {ref, store, tag, label}
  function resolve(ref) {
    const slash = ref.lastIndexOf('/');
    const runId = slash >= 0 ? ref.slice(0, slash) : store.runId;
    const tag = slash >= 0 ? ref.slice(slash + 1) : ref;
    const s = runId === store.runId ? store : ctx.storeFor(runId);
    return { ref, store: s, tag, runId, label: runId === store.runId ? tag : ref };
  }

  async function update() {
    const entries = refsFromParams().map(resolve);
    watch(entries.map((e) => e.store).filter((s) => s !== store));
    adder.refresh();
    const nodes = entries.map((e) => e.store.nodeByTag(e.tag));
    const k = JSON.stringify([entries.map((e) => e.ref), nodes.map((n) => n && [n.id, Object.keys(n.metrics || {})]), entries.map((e) => e.store.events.length)]);
    if (k === key) return;
    key = k;
    clear(body);
    if (entries.length < 2) body.append(h('div', { class: 'muted' }, 'Select two or more nodes: tick them in the tree (ctrl/⌘-click) or add them here, also from other runs of this root.'));
    if (!entries.length) return;
    body.append(columnsHeader(entries, nodes, setParams, refsFromParams));
    const present = entries.map((e, i) => ({ ...e, node: nodes[i] })).filter((e) => e.node);
    if (present.length) body.append(metricsTable(present), seedGroupTables(present));
    const grids = h('div', {}, h('div', { class: 'muted small' }, 'loading grids…'));
    body.append(grids);
    const images = await Promise.all(present.map((e) => nodeImages(e.store, e.node)));
    if (key !== k) return;
    clear(grids);
    grids.append(imageComparison(present, images));
  }

  return { el, update: () => { update(); }, setParams: () => { update(); }, destroy: () => watch([]) };
}

function columnsHeader(entries, nodes, setParams, refs) {
  return h('div', { class: 'compare-cols' }, entries.map((e, i) => h('div', { class: 'compare-col', dataset: { testid: 'compare-col', nodeTag: e.tag, nodeRef: e.ref } },
    h('b', {}, e.label), nodes[i] ? h('span', { class: 'muted small' }, ` step ${nodes[i].step}`) : h('span', { class: 'muted small' }, e.store.loaded ? ' (no such node)' : ' (loading…)'),
    h('button', { class: 'link-button', title: 'remove from comparison', onclick: () => setParams({ nodes: refs().filter((r) => r !== e.ref).join(',') || null }) }, '×'))));
}

function metricsTable(present) {
  const flats = present.map((e) => flatMetrics(e.node));
  const names = [...new Set(flats.flatMap((f) => Object.keys(f)))].sort();
  if (!names.length) return h('div', { class: 'muted' }, 'These nodes have no evaluation metrics; run `acc eval NODE` first.');
  return h('div', { class: 'table-scroll tall' }, h('table', { class: 'grid compact compare-table' },
    h('thead', {}, h('tr', {}, h('th', {}, 'metric'), present.map((e) => h('th', { class: 'num' }, e.label)),
      present.slice(1).map((e, i) => h('th', { class: 'num' }, `diff ${i + 2}−1`)))),
    h('tbody', {}, names.map((name) => {
      const vals = flats.map((f) => f[name]);
      return h('tr', {}, h('td', {}, name), vals.map((v) => h('td', { class: 'num' }, fmtNumber(v))),
        vals.slice(1).map((v) => {
          const d = v !== undefined && vals[0] !== undefined ? v - vals[0] : undefined;
          return h('td', { class: `num ${d > 0 ? 'pos' : d < 0 ? 'neg' : ''}` }, fmtSigned(d));
        }));
    }))));
}

function seedGroupTables(present) {
  const groups = seedGroups(present.map((e) => e.node));
  if (!groups.length) return h('div', { class: 'muted small' }, 'No seed groups among these nodes (nodes whose lineages differ only in set_seed seeds).');
  const flats = present.map((e) => flatMetrics(e.node));
  return h('div', {}, groups.map((members, g) => {
    const names = [...new Set(members.flatMap((m) => Object.keys(flats[m])))].sort();
    return h('div', { class: 'card', dataset: { testid: 'seed-group' } },
      h('h3', {}, `Seed group ${g + 1}: ${members.map((m) => present[m].label).join(', ')}`),
      h('table', { class: 'grid compact' },
        h('thead', {}, h('tr', {}, ['metric', 'n', 'mean ± 95% CI', 'std', '95% CI'].map((t) => h('th', {}, t)))),
        h('tbody', {}, names.map((name) => {
          const v = members.map((m) => flats[m][name]).filter((x) => x !== undefined);
          if (v.length < 2) return null;
          const s = metricStats(v);
          return h('tr', {}, h('td', {}, name), h('td', { class: 'num' }, s.n), h('td', { class: 'num' }, `${fmtNumber(s.mean)} ± ${fmtNumber(s.half)}`),
            h('td', { class: 'num' }, fmtNumber(s.std)), h('td', { class: 'num' }, `[${fmtNumber(s.ciLow)}, ${fmtNumber(s.ciHigh)}]`));
        }))));
  }));
}

// One row per latent group; per node a cell with its traversal, lowest and highest grids stacked.
function imageComparison(present, images) {
  const groupNames = [...new Set(images.flatMap((im) => im.groups.map((g) => g.name)))];
  const cell = (i, parts) => h('div', { class: 'compare-cell' }, h('div', { class: 'compare-cell-title' }, present[i].label),
    parts.some(([, p]) => p) ? parts.filter(([, p]) => p).map(([label, p]) => h('figure', {}, label ? h('figcaption', { class: 'muted small' }, label) : null,
      artifactImage(present[i].store, p, { maxWidth: 300 }))) : h('div', { class: 'muted small' }, 'none'));
  const row = (title, cells) => h('div', { class: 'compare-row' }, h('div', { class: 'compare-row-title' }, title), h('div', { class: 'compare-row-cells' }, cells));
  const rows = [];
  if (images.some((im) => im.reconstructions)) rows.push(row('reconstructions', images.map((im, i) => cell(i, [['', im.reconstructions]]))));
  for (const name of groupNames) {
    const g = (im) => im.groups.find((x) => x.name === name) || {};
    rows.push(row(name, images.map((im, i) => cell(i, [['traversal', g(im).traversal], ['lowest', g(im).lowest], ['highest', g(im).highest]]))));
  }
  if (images.some((im) => im.attention)) rows.push(row('attention', images.map((im, i) => cell(i, [['', im.attention]]))));
  if (!rows.length) return h('div', { class: 'muted small' }, 'No image artifacts to compare.');
  return h('div', { class: 'card' }, h('h3', {}, 'Grids side by side'), rows);
}
