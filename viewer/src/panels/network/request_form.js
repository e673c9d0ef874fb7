// A few inputs that shape an `acc inspect` request the run has no files for yet (a perturbation's
// dim and delta, a top-k scan's k, metric and subset); the compute hint below them follows the
// inputs as they are edited, so the command shown is always the one for the values typed.

import { h, clear } from '../../ui/dom.js';

// fields: [{name, label, value, type: 'number'|'select', options?, step?}]; toHint(values) → an
// element (the compute hint, or a line saying the files are shown above) or null when the values
// are not valid.
export function requestForm(fields, toHint, { testid } = {}) {
  const slot = h('div', {});
  const inputs = fields.map((f) => {
    const input = f.type === 'select'
      ? h('select', { dataset: { field: f.name } }, f.options.map((o) => h('option', { value: o }, o)))
      : h('input', { type: 'number', step: f.step ?? '1', class: 'index-input', dataset: { field: f.name } });
    input.value = String(f.value);
    input.addEventListener('change', refresh);
    return h('label', { class: 'control small' }, `${f.label} `, input);
  });
  const el = h('div', { class: 'request-form', dataset: testid ? { testid } : undefined }, h('div', { class: 'control-row' }, inputs), slot);

  function refresh() {
    const values = Object.fromEntries(Array.from(el.querySelectorAll('[data-field]'), (i) => [i.dataset.field, i.value]));
    clear(slot);
    const hint = toHint(values);
    slot.append(hint || h('div', { class: 'muted small' }, 'enter valid values to see the command'));
  }
  refresh();
  return el;
}
