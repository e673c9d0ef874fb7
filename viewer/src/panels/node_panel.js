// One checkpoint node: lineage (the recipe ops that made it), model, tasks, metrics and the
// artifacts announced for it, with links to its evaluation panels and the explorer.

import { h, clear } from '../ui/dom.js';
import { fmtNumber, fmtTime } from '../ui/format.js';

export function createNodePanel({ store, setParams, getParams }, { compact = false } = {}) {
  const body = h('div', {});
  const el = h('section', { class: 'panel node-panel', dataset: { testid: 'node-panel' } }, body);
  let key = '';

  function update() {
    const tag = getParams().node;
    const node = tag ? store.nodeByTag(tag) : null;
    const artifacts = node ? store.artifactsFor(node) : [];
    const k = JSON.stringify([tag, node?.id, node?.created, node && Object.keys(node.metrics || {}), artifacts.length, store.loaded]);
    if (k === key) return;
    key = k;
    clear(body);
    if (!tag) { body.append(h('div', { class: 'muted' }, 'Click a node in the tree to see its lineage, metrics and artifacts.')); return; }
    if (!node) { body.append(h('div', { class: 'muted' }, store.loaded ? `No node tagged "${tag}" in this run.` : 'Loading…')); return; }
    body.append(...[
      h('div', { class: 'panel-head' }, h('h2', {}, `Node ${node.tag}`),
        h('span', { class: 'muted small' }, `${node.id} · step ${node.step} · ${fmtTime(node.created)}`),
        node.id === store.summary?.current_node?.id ? h('span', { class: 'badge badge-live' }, 'current') : null),
      h('div', { class: 'node-links' },
        h('button', { dataset: { testid: 'open-eval' }, onclick: () => setParams({ view: 'node', node: node.tag }) }, 'evaluation panels'),
        h('button', { dataset: { testid: 'open-explorer' }, onclick: () => setParams({ view: 'explorer', node: node.tag }) }, 'latent explorer'),
        h('button', { onclick: () => addToCompare(node.tag) }, 'add to comparison')),
      section('Lineage', lineage(node.lineage || [])),
      compact ? null : section('Model', keyValues(node.model || {})),
      section('Tasks', tasks(node.tasks || [])),
      section('Metrics', metrics(node.metrics || {})),
      section(`Artifacts (${artifacts.length})`, artifactList(store, artifacts))].filter(Boolean));
  }

  function addToCompare(tag) {
    const now = (getParams().nodes || '').split(',').filter(Boolean);
    if (!now.includes(tag)) now.push(tag);
    setParams({ nodes: now.join(',') }, { replace: true });
  }

  return { el, update: () => update(), setParams: () => update() };
}

function section(title, content) {
  return h('details', { class: 'node-section', open: true }, h('summary', {}, title), content);
}

// "train  steps=30 lr=0.001 (line 38)"
function lineage(ops) {
  if (!ops.length) return h('div', { class: 'muted small' }, 'no recipe ops (made outside a recipe)');
  return h('ol', { class: 'lineage' }, ops.map((op) => {
    const args = Object.entries(op).filter(([k]) => k !== 'op' && k !== 'line')
      .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : v}`).join(' ');
    return h('li', { class: `op op-${op.op}` }, h('b', {}, op.op), ' ', h('span', {}, args), op.line ? h('span', { class: 'muted small' }, ` (line ${op.line})`) : null);
  }));
}

function keyValues(obj) {
  return h('table', { class: 'grid compact kv' }, h('tbody', {}, Object.entries(obj).map(([k, v]) =>
    h('tr', {}, h('td', {}, k), h('td', {}, typeof v === 'object' ? JSON.stringify(v) : String(v))))));
}

function tasks(list) {
  if (!list.length) return h('div', { class: 'muted small' }, 'no tasks');
  return h('table', { class: 'grid compact' },
    h('thead', {}, h('tr', {}, ['name', 'type', 'dataset', 'weight', 'latent slice'].map((t) => h('th', {}, t)))),
    h('tbody', {}, list.map((t) => h('tr', {}, h('td', {}, t.name), h('td', {}, t.type), h('td', {}, t.dataset ?? ''),
      h('td', { class: 'num' }, fmtNumber(t.weight)), h('td', {}, t.latent_slice ? JSON.stringify(t.latent_slice) : '')))));
}

function metrics(m) {
  const rows = [];
  for (const [task, values] of Object.entries(m)) for (const [k, v] of Object.entries(values || {})) rows.push([`${task}.${k}`, v]);
  if (!rows.length) return h('div', { class: 'muted small' }, 'not evaluated');
  return h('div', { class: 'table-scroll short' }, h('table', { class: 'grid compact' }, h('tbody', {},
    rows.map(([k, v]) => h('tr', {}, h('td', {}, k), h('td', { class: 'num' }, fmtNumber(v)))))));
}

function artifactList(store, artifacts) {
  if (!artifacts.length) return h('div', { class: 'muted small' }, 'none');
  return h('ul', { class: 'artifacts' }, artifacts.map((a) =>
    h('li', {}, h('a', { href: store.runUrl + a.path, target: '_blank' }, a.name), h('span', { class: 'muted small' }, ` ${a.kind} · ${a.format} · step ${a.step}`))));
}
