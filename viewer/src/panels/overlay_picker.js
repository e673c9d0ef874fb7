// A small drop-down listing the other runs of the root (from index.js) with checkboxes, used to
// overlay their loss curves.

import { h, clear } from '../ui/dom.js';

export function createOverlayPicker(ctx, onChange) {
  const list = h('div', { class: 'picker-list' });
  const summary = h('summary', {}, 'overlay runs');
  const el = h('details', { class: 'picker', dataset: { testid: 'overlay-picker' } }, summary, list);
  let selected = [];
  el.addEventListener('toggle', async () => {
    if (!el.open) return;
    clear(list);
    list.append(h('div', { class: 'muted small' }, 'loading runs…'));
    const runs = await ctx.indexStore.once().catch(() => []);
    clear(list);
    const others = runs.filter((r) => r.run_id !== ctx.store.runId);
    if (!others.length) list.append(h('div', { class: 'muted small' }, ctx.indexStore.error ? 'no runs index (index.js) in this root' : 'no other runs in this root'));
    for (const r of others) {
      const box = h('input', { type: 'checkbox', checked: selected.includes(r.run_id), onchange: () => {
        selected = box.checked ? [...selected, r.run_id] : selected.filter((x) => x !== r.run_id);
        onChange(selected);
      } });
      list.append(h('label', { class: 'picker-item', title: r.run_id }, box, ` ${r.recipe?.name || ''} `, h('span', { class: 'muted small' }, r.run_id)));
    }
  });
  return {
    el,
    setSelected(ids) {
      selected = ids;
      summary.textContent = ids.length ? `overlay runs (${ids.length})` : 'overlay runs';
    },
  };
}
