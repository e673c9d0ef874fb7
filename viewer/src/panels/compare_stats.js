// Seed groups and their statistics, ported from core/eval/compare.cpp (`acc compare`) so the
// viewer and the CLI show the same numbers: nodes whose lineages are equal except set_seed's seed
// form a group; a group reports mean, sample std and the 95% Student-t interval.

// seed_group_key: lineage without line/via/tag/from, and without set_seed's seed, as canonical JSON.
export function seedGroupKey(lineage) {
  return canonical((lineage || []).map((entry) => {
    const e = { ...entry };
    for (const field of ['line', 'via', 'tag', 'from']) delete e[field];
    if (e.op === 'set_seed') delete e.seed;
    return e;
  }));
}

// Sorted keys, like nlohmann::json's dump of std::map-backed objects.
function canonical(v) {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

const T_TABLE = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
  2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
  2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042];

export function tQuantile95(df) {
  if (df < 1) return NaN;
  if (df <= 30) return T_TABLE[df - 1];
  return 1.960 + 2.4 / df; // within 0.002 of the exact value beyond 30
}

export function metricStats(values) {
  const n = values.length;
  const s = { n, mean: 0, std: 0, ciLow: 0, ciHigh: 0, half: 0 };
  if (!n) return s;
  s.mean = values.reduce((a, b) => a + b, 0) / n;
  if (n > 1) {
    const ss = values.reduce((a, x) => a + (x - s.mean) * (x - s.mean), 0);
    s.std = Math.sqrt(ss / (n - 1));
    s.half = tQuantile95(n - 1) * s.std / Math.sqrt(n);
    s.ciLow = s.mean - s.half;
    s.ciHigh = s.mean + s.half;
  } else {
    s.ciLow = s.ciHigh = s.mean;
  }
  return s;
}

// Flattened numeric metrics of a node: {"task.metric": value}.
export function flatMetrics(node) {
  const flat = {};
  for (const [task, values] of Object.entries(node?.metrics || {}))
    if (values && typeof values === 'object')
      for (const [metric, v] of Object.entries(values)) if (typeof v === 'number') flat[`${task}.${metric}`] = v;
  return flat;
}

// Groups of >= 2 node indices sharing a seed group key, in first-appearance order.
export function seedGroups(nodes) {
  const byKey = new Map();
  nodes.forEach((n, i) => {
    const k = seedGroupKey(n.lineage);
    if (!byKey.has(k)) byKey.set(k, []);
    byKey.get(k).push(i);
  });
  return [...byKey.values()].filter((members) => members.length >= 2);
}
