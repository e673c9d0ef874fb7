// A small matrix of numbers as a table whose cells are coloured blue (negative) – white – red
// (positive) by value over the largest magnitude shown, for 3x3 patches, kernels and products.

import { h } from '../../ui/dom.js';
import { fmtNumber } from '../../ui/format.js';

// rows: [[v]] or a flat list (read as `columns` wide); scale: the magnitude that is full colour;
// padding: [[bool]] marking cells that read zero padding (drawn hatched).
export function valueTable(values, { columns = 3, scale = null, testid, padding = null } = {}) {
  const rows = asRows(values, columns);
  const pad = asRows(padding, columns);
  const max = scale ?? Math.max(1e-12, ...rows.flat().filter(Number.isFinite).map(Math.abs));
  return h('table', { class: 'value-table', dataset: testid ? { testid } : undefined },
    h('tbody', {}, rows.map((r, i) => h('tr', {}, r.map((v, j) => (pad[i]?.[j]
      ? h('td', { class: 'num padding', title: 'zero padding' }, fmtNumber(v, 3))
      : h('td', { class: 'num', style: { background: diverging(v, max) }, title: String(v) }, fmtNumber(v, 3))))))));
}

export function asRows(values, columns = 3) {
  if (!Array.isArray(values)) return [];
  if (values.every(Array.isArray)) return values;
  const rows = [];
  for (let i = 0; i < values.length; i += columns) rows.push(values.slice(i, i + columns));
  return rows;
}

export function diverging(v, max) {
  if (!Number.isFinite(v)) return '#eee';
  const t = Math.max(-1, Math.min(1, v / max));
  const a = Math.abs(t) * 0.75;
  return t >= 0 ? `rgba(178, 24, 43, ${a})` : `rgba(33, 102, 172, ${a})`;
}
