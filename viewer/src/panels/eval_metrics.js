// Evaluation metrics from eval.metrics events: one small table per node (rows task.metric,
// columns the steps it was evaluated at). Rebuilt only when a new eval.metrics event arrives.

import { h, clear } from '../ui/dom.js';
import { fmtNumber } from '../ui/format.js';

export function createEvalMetrics({ store, setParams }) {
  const body = h('div', { class: 'eval-tables' });
  const el = h('section', { class: 'panel' }, h('div', { class: 'panel-head' }, h('h2', {}, 'Evaluation metrics')), body);
  let count = -1;

  function update() {
    const evals = store.events.filter((e) => e.type === 'eval.metrics');
    if (evals.length === count) return;
    count = evals.length;
    clear(body);
    if (!evals.length) { body.append(h('div', { class: 'muted' }, 'No evaluations yet.')); return; }
    const byTag = new Map();
    for (const e of evals) {
      const tag = e.payload.tag || '(untagged)';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push(e.payload);
    }
    for (const [tag, list] of byTag) body.append(nodeTable(tag, list, setParams));
  }

  return { el, update: (c) => { if (!c || c.events || c.first) update(); } };
}

function nodeTable(tag, list, setParams) {
  const steps = [...new Set(list.map((p) => p.step))];
  const rows = new Map(); // "task.metric" -> {step: value}
  for (const p of list)
    for (const [task, metrics] of Object.entries(p.metrics || {}))
      for (const [metric, v] of Object.entries(metrics || {})) {
        const key = `${task}.${metric}`;
        if (!rows.has(key)) rows.set(key, {});
        rows.get(key)[p.step] = v;
      }
  const node = list[list.length - 1].node;
  const link = node ? h('a', { href: '#', onclick: (e) => { e.preventDefault(); setParams({ view: 'node', node: tag }); } }, tag) : tag;
  return h('details', { class: 'eval-node', open: true },
    h('summary', {}, link, h('span', { class: 'muted small' }, ` · ${rows.size} metrics`)),
    h('div', { class: 'table-scroll' }, h('table', { class: 'grid compact' },
      h('thead', {}, h('tr', {}, h('th', {}, 'metric'), steps.map((s) => h('th', { class: 'num' }, `step ${s}`)))),
      h('tbody', {}, [...rows].map(([key, byStep]) => h('tr', {}, h('td', {}, key), steps.map((s) => h('td', { class: 'num' }, fmtNumber(byStep[s])))))))));
}
