// The per-feature table of the selected capture and layer (features.<layer>.json): one row per
// feature coloured by the `status` acc wrote (dead red, winner green, contender yellow), the
// file's mean/min/max as summary rows, the status counts; a header click sorts by that column,
// a row click selects the feature for the force view.

import { h, setText, clear } from '../../ui/dom.js';
import { fmtNumber } from '../../ui/format.js';
import { capturePath, fileNames } from './debug_files.js';
import { loadMirrored, mirrorKey, latestOnly } from '../../data/mirrored_json.js';
import { featureColumns, sortRows, nextSort, statusClass, summaryRows, statusCounts } from './feature_rows.js';

export function createFeatureTable({ store }, { onSelect }) {
  const info = h('div', { class: 'muted small', dataset: { testid: 'debug-feature-counts' } });
  const table = h('table', { class: 'grid compact feature-table', dataset: { testid: 'debug-feature-table' } });
  const el = h('div', { class: 'card debug-features' }, h('h3', {}, 'Features'), info, h('div', { class: 'table-scroll tall' }, table));
  const latest = latestOnly();
  let data = null;
  let shownKey = '';
  let sort = { column: 'feature', direction: 'asc' };
  let selected = null;

  // Redraws only when the file or the selected feature changed: polls come every 1.5 s.
  async function show(capture, layer, feature) {
    const rel = capturePath(capture, fileNames.features(layer));
    const key = mirrorKey(store, rel);
    if (key === shownKey && feature === selected) return;
    selected = feature;
    if (key !== shownKey) {
      shownKey = key;
      data = await latest(() => loadMirrored(store, rel));
    }
    render();
  }

  function render() {
    clear(table);
    if (!data) { setText(info, 'features file not mirrored yet'); return; }
    const counts = statusCounts(data.summary);
    const gate = data.gate ? ` · gated (temperature ${fmtNumber(data.gate.temperature)}, strength ${fmtNumber(data.gate.strength)})` : data.gated ? ' · gated' : '';
    setText(info, `${data.layer} · step ${data.step} · ${data.features ?? data.rows?.length ?? 0} features · ` +
      `dead ${counts.dead ?? '–'} · winner ${counts.winner ?? '–'} · contender ${counts.contender ?? '–'}${gate}` +
      (data.thresholds?.winner_win_rate !== undefined ? ` · winner: win rate ≥ ${fmtNumber(data.thresholds.winner_win_rate)}` : ''));
    const columns = featureColumns(data);
    const head = h('tr', {}, columns.map((c) => h('th', {
      class: `sortable ${typeof data.rows?.[0]?.[c] === 'number' ? 'num' : ''}`,
      dataset: { column: c, sort: sort.column === c ? sort.direction : '' },
      title: 'sort by this column (again: reverse)',
      onclick: () => { sort = nextSort(sort, c); render(); },
    }, c, sort.column === c ? (sort.direction === 'asc' ? ' ▲' : ' ▼') : '')));
    const summary = summaryRows(data.summary, columns).map(({ label, values }) => h('tr', { class: 'summary-row', dataset: { testid: 'debug-summary-row', summary: label } },
      h('td', { class: 'muted' }, label), columns.slice(1).map((c) => h('td', { class: 'num' }, cell(values[c])))));
    const body = sortRows(data.rows || [], sort.column, sort.direction).map((row) => h('tr', {
      class: `${statusClass(row)} ${row.feature === selected ? 'selected' : ''}`,
      dataset: { testid: 'debug-feature-row', feature: String(row.feature), status: row.status ?? '' },
      onclick: () => onSelect(row.feature),
    }, columns.map((c) => h('td', { class: typeof row[c] === 'number' ? 'num' : '' }, cell(row[c])))));
    table.append(h('thead', {}, head, summary), h('tbody', {}, body));
  }

  return { el, show };
}

function cell(v) {
  if (typeof v === 'boolean') return v ? 'yes' : '';
  return fmtNumber(v);
}
