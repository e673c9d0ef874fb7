// The traversal-effects artifact (format acc.traversal_effects, docs/run-format.md): for each
// latent group, how the measured image factors (thickness, slant, ...) of the decoded images
// move as the group is traversed, and how often a judge classifier still reads the same digit.
// This file turns the JSON into what the card draws (rows of the table, the best R² per
// measure, chart series); pure, tested in traversal_effects.test.mjs. The card itself is in
// traversal_effects_card.js.

export const TRAVERSAL_EFFECTS_FORMAT = 'acc.traversal_effects';
const KNOWN_VERSION = 1;
// Group colours when plot_layout has none (the PNG's default order, matplotlib's tab10).
const FALLBACK_COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

// A finite number, or null (the file writes non-finite values as null).
const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
// An array of exactly `len` numbers-or-null; anything else becomes all null.
const nums = (a, len) => Array.from({ length: len }, (_, i) => (Array.isArray(a) ? num(a[i]) : null));
const str = (v, fallback = '') => (typeof v === 'string' ? v : fallback);
const isColor = (c) => typeof c === 'string' && /^(#[0-9a-f]{3,8}|rgba?\([^)]*\)|[a-z]+)$/i.test(c);

// Returns {dataset, split, n, warning, values, measures: [{name, unit}], judge, baseline,
// groups: [{name, start, end, color, slope, r2, best, keptRate, kept, empty, mean, std}]};
// throws an Error naming `path` when the file cannot be read as traversal effects.
// best[m] is true for the group(s) with the highest finite R² of measure m.
export function traversalEffectsModel(d, path = 'traversal effects') {
  if (!d || typeof d !== 'object' || Array.isArray(d)) throw new Error(`${path}: not a traversal-effects object`);
  if (d.format !== undefined && d.format !== TRAVERSAL_EFFECTS_FORMAT) throw new Error(`${path}: format ${d.format}, expected ${TRAVERSAL_EFFECTS_FORMAT}`);
  if (!Array.isArray(d.values) || !d.values.length) throw new Error(`${path}: no traversal values`);
  if (!Array.isArray(d.measures) || !d.measures.length) throw new Error(`${path}: no measures`);
  const values = d.values.map(num);
  const nv = values.length;
  const units = Array.isArray(d.units) ? d.units : [];
  const measures = d.measures.map((m, i) => ({ name: str(m, `measure ${i}`), unit: str(units[i]) }));
  const nm = measures.length;
  const colors = Array.isArray(d.plot_layout?.colors) ? d.plot_layout.colors : [];
  const groups = (Array.isArray(d.groups) ? d.groups : [])
    .filter((g) => g && typeof g === 'object')
    .map((g, gi) => ({
      name: str(g.name, `group ${gi}`),
      start: Number.isInteger(g.start) ? g.start : null,
      end: Number.isInteger(g.end) ? g.end : null,
      color: isColor(colors[gi]) ? colors[gi] : FALLBACK_COLORS[gi % FALLBACK_COLORS.length],
      slope: nums(g.slope, nm),
      r2: nums(g.r2, nm),
      best: new Array(nm).fill(false),
      keptRate: num(g.digit_kept_rate),
      kept: nums(g.digit_kept, nv),
      empty: nums(g.empty, nv),
      mean: measures.map((_, m) => nums(Array.isArray(g.mean) ? g.mean[m] : null, nv)),
      std: measures.map((_, m) => nums(Array.isArray(g.std) ? g.std[m] : null, nv)),
    }));
  for (let m = 0; m < nm; m++) {
    const finite = groups.map((g) => g.r2[m]).filter((v) => v !== null);
    if (!finite.length) continue;
    const top = Math.max(...finite);
    for (const g of groups) g.best[m] = g.r2[m] === top;
  }
  const version = Number(d.version);
  return {
    dataset: str(d.dataset, '?'),
    split: str(d.split),
    n: num(d.n),
    warning: version > KNOWN_VERSION ? `${path}: format version ${d.version} is newer than this viewer knows (${KNOWN_VERSION}); showing what it understands` : null,
    values,
    measures,
    judge: judgeOf(d.judge),
    baseline: nums(d.reconstruction?.mean, nm),
    groups,
    plot: str(d.plot) || null,
  };
}

function judgeOf(j) {
  if (!j || typeof j !== 'object') return null;
  return {
    tag: str(j.tag, '?'),
    node: str(j.node),
    model: str(j.model),
    accuracy: num(j.test_accuracy),
    nTest: num(j.n_test),
    required: num(j.required_accuracy),
    meets: typeof j.meets_requirement === 'boolean' ? j.meets_requirement : null,
  };
}

// Line-chart series of one measure (m index) or of the digit-kept rates (m = 'kept'): per group
// {name, color, points: [[x, y] | null per traversal value]} (null where either is missing).
export function chartSeries(model, m) {
  return model.groups.map((g) => {
    const ys = m === 'kept' ? g.kept : g.mean[m];
    return { name: g.name, color: g.color, points: model.values.map((x, i) => (x === null || ys[i] === null ? null : [x, ys[i]])) };
  });
}

// Runs of consecutive non-null points: a missing value breaks the line instead of bridging it.
export function segments(points) {
  const out = [];
  let run = [];
  for (const p of points) {
    if (p) run.push(p);
    else if (run.length) { out.push(run); run = []; }
  }
  if (run.length) out.push(run);
  return out;
}

// [lo, hi] of the series' y values and the extra values (a baseline), padded 5 %; [0, 1] when
// there is nothing, ±1 around a constant.
export function yDomain(series, extra = []) {
  const ys = [...series.flatMap((s) => s.points.filter(Boolean).map((p) => p[1])), ...extra.filter((v) => v !== null)];
  if (!ys.length) return [0, 1];
  const lo = Math.min(...ys);
  const hi = Math.max(...ys);
  if (hi === lo) return [lo - 1, hi + 1];
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}
