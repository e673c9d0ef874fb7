// The per-feature table's pure parts (features.<layer>.json, docs/debugger.md): which columns
// it shows, how a click on a header sorts the rows, the colour class of a row (from the
// `status` acc wrote — the viewer never reclassifies), and the summary rows. Tested under node.

export const STATUSES = ['dead', 'winner', 'contender'];

// The table's columns: the file's `columns` when given, else the keys of its first row;
// `feature` always first.
export function featureColumns(table) {
  const cols = Array.isArray(table?.columns) && table.columns.length ? [...table.columns] : Object.keys(table?.rows?.[0] || {});
  return ['feature', ...cols.filter((c) => c !== 'feature')];
}

// Sort key of a cell: numbers as they are, booleans as 0/1, statuses in STATUSES order, other
// strings as text; missing and non-finite values sort last whatever the direction.
function sortValue(v, column) {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (column === 'status' && STATUSES.includes(v)) return STATUSES.indexOf(v);
  if (v === null || v === undefined) return null;
  return String(v);
}

// A new array of `rows` sorted by `column` ('asc' | 'desc'); ties keep feature order.
export function sortRows(rows, column, direction = 'asc') {
  const sign = direction === 'desc' ? -1 : 1;
  return rows.map((row, i) => ({ row, i, v: sortValue(row[column], column) }))
    .sort((a, b) => {
      if (a.v === null || b.v === null) return (a.v === null) - (b.v === null) || a.i - b.i;
      const d = typeof a.v === 'string' || typeof b.v === 'string' ? String(a.v).localeCompare(String(b.v)) : a.v - b.v;
      return d * sign || a.i - b.i;
    })
    .map((x) => x.row);
}

// Clicking a header: a new column sorts descending for numbers (the largest win rate or
// gradient is what one looks for) and ascending for `feature`; the same column flips.
export function nextSort(current, column) {
  if (current?.column === column) return { column, direction: current.direction === 'asc' ? 'desc' : 'asc' };
  return { column, direction: column === 'feature' || column === 'status' ? 'asc' : 'desc' };
}

// CSS class of a row, from its `status` field.
export function statusClass(row) {
  return STATUSES.includes(row?.status) ? `status-${row.status}` : 'status-unknown';
}

// The summary rows (mean, min, max) as {label, values: {column: value}}, for the columns shown.
export function summaryRows(summary, columns) {
  return ['mean', 'min', 'max'].filter((k) => summary?.[k]).map((label) => ({
    label,
    values: Object.fromEntries(columns.filter((c) => c !== 'feature').map((c) => [c, summary[label][c]])),
  }));
}

// {dead, winner, contender} from the file's summary.counts.
export function statusCounts(summary) {
  const counts = summary?.counts || {};
  return Object.fromEntries(STATUSES.map((s) => [s, Number.isFinite(counts[s]) ? counts[s] : null]));
}
