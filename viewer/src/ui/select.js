// <select> helpers shared by the panels.

import { h, clear } from './dom.js';

// Replaces a <select>'s options only when the list changed (a poll must not close an open one).
export function fillSelect(select, values, value, label = (v) => v) {
  const key = JSON.stringify(values);
  if (select.dataset.options !== key) {
    select.dataset.options = key;
    clear(select);
    for (const v of values) select.append(h('option', { value: v }, label(v)));
  }
  select.value = value;
}
