// "add node: [run] [node] [add]": picks a node of this run or another run of the root.

import { h, clear } from '../ui/dom.js';

export function createNodeAdder(ctx, onAdd) {
  const runSelect = h('select', { onchange: () => fillNodes() });
  const nodeSelect = h('select', {});
  const el = h('span', { class: 'node-adder' }, 'add node: ', runSelect, nodeSelect,
    h('button', { onclick: () => { if (nodeSelect.value) onAdd(nodeSelect.value); } }, 'add'));
  let unsub = null;

  async function fillRuns() {
    const runs = await ctx.indexStore.once().catch(() => []);
    const ids = [ctx.store.runId, ...runs.map((r) => r.run_id).filter((id) => id !== ctx.store.runId)];
    clear(runSelect);
    for (const id of ids) runSelect.append(h('option', { value: id }, id === ctx.store.runId ? `this run (${id})` : id));
    fillNodes();
  }

  function fillNodes() {
    const runId = runSelect.value || ctx.store.runId;
    const s = runId === ctx.store.runId ? ctx.store : ctx.storeFor(runId);
    unsub?.();
    unsub = null;
    if (s !== ctx.store) { s.start(); unsub = s.subscribe(() => fillNodes0(s, runId)); }
    fillNodes0(s, runId);
  }

  function fillNodes0(s, runId) {
    const prev = nodeSelect.value;
    clear(nodeSelect);
    for (const n of s.nodes().sort((a, b) => String(a.created).localeCompare(String(b.created)))) {
      const ref = runId === ctx.store.runId ? n.tag : `${runId}/${n.tag}`;
      nodeSelect.append(h('option', { value: ref, selected: ref === prev }, n.tag));
    }
  }

  fillRuns();
  return {
    el,
    refresh: () => { if ((runSelect.value || ctx.store.runId) === ctx.store.runId) fillNodes0(ctx.store, ctx.store.runId); },
  };
}
