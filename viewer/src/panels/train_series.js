// Splits a run's training events (train.metrics, train.eval) into one series per branch, so the
// loss charts and the evaluation-during-training charts draw the same branches under the same
// names (and hence colours).
//
// Attribution: acc writes `from` (the tag of the checkpoint the branch last saved or forked, ""
// before any) on train.metrics and train.eval, and several acc processes (`make -j`) may append
// to one events.jsonl, so events of branches interleave. Events with `from` are grouped by it;
// the phase is not part of the key because phase.started events of concurrent writers
// interleave too, while one branch's global step only grows, so one `from` is one curve. A
// group is cut only where its own step goes backwards (a crashed branch re-run from its
// checkpoint). Runs of an older acc have no `from`: their events are attributed to the most
// recent checkpoint.saved before them, and a segment ends at phase.started, at a fork or when
// the step goes backwards (sequential writers only).

// Returns {quantities: ['loss', 'recon', ...], evalKeys: ['task.metric', ...],
//          segments: [{name, phase, from, steps, values: {q: []}, evalSteps, evalValues: {key: []}}],
//          problems: ['events.jsonl line N: ...']}
// `values[q][i]` belongs to `steps[i]`; a missing or non-finite value is null.
export function trainSeries(events) {
  const segments = [];
  const quantities = new Set(['loss']);
  const evalKeys = new Set();
  const problems = [];
  const byFrom = new Map(); // from -> its current segment
  let phase = '';
  let fromTag = ''; // inferred, for events without `from`
  let inferred = null; // the current inferred segment
  const open = (from) => {
    const s = { name: from ? `from ${from}` : phase || 'train', phase, from, steps: [], values: {}, evalSteps: [], evalValues: {} };
    segments.push(s);
    return s;
  };

  for (const e of events) {
    const p = e.payload;
    if (e.type === 'phase.started') { phase = p.phase || ''; inferred = null; }
    else if (e.type === 'checkpoint.saved') { fromTag = p.tag || fromTag; if (p.fork) inferred = null; }
    else if (e.type === 'train.metrics' && typeof p.step === 'number') {
      let s;
      if (typeof p.from === 'string') {
        s = byFrom.get(p.from);
        if (!s || p.step < last(s.steps)) byFrom.set(p.from, s = open(p.from));
      } else {
        if (inferred && p.step <= last(inferred.steps)) inferred = null;
        s = inferred || (inferred = open(fromTag));
      }
      s.steps.push(p.step);
      push(s.values, s.steps.length, 'loss', p.loss);
      for (const [task, v] of Object.entries(p.losses || {})) { quantities.add(task); push(s.values, s.steps.length, task, v); }
    } else if (e.type === 'train.eval') addEval(e, byFrom, open, evalKeys, problems);
  }
  uniqueNames(segments);
  return { quantities: [...quantities], evalKeys: [...evalKeys].sort(), segments, problems };
}

// One train.eval event: {step, from, metrics: {task: {metric: number}}}. A repeated step (the
// last-step evaluation may coincide with a periodic one) fills the same point.
function addEval(e, byFrom, open, evalKeys, problems) {
  const p = e.payload;
  const where = `events.jsonl line ${e.line ?? '?'} (train.eval)`;
  if (typeof p.step !== 'number' || !p.metrics || typeof p.metrics !== 'object') {
    problems.push(`${where} has no numeric step or no metrics object; skipped`);
    return;
  }
  const from = typeof p.from === 'string' ? p.from : '';
  let s = byFrom.get(from);
  if (!s || p.step < last(s.evalSteps)) byFrom.set(from, s = open(from));
  const repeat = p.step === last(s.evalSteps);
  if (!repeat) s.evalSteps.push(p.step);
  for (const [task, metrics] of Object.entries(p.metrics)) {
    if (!metrics || typeof metrics !== 'object') { problems.push(`${where}: metrics of task ${task} are not an object; skipped`); continue; }
    for (const [metric, v] of Object.entries(metrics)) {
      if (v !== null && typeof v !== 'number') { problems.push(`${where}: ${task}.${metric} is not a number; left out`); continue; }
      const key = `${task}.${metric}`;
      evalKeys.add(key);
      if (repeat && s.evalValues[key]?.length === s.evalSteps.length) {
        if (finite(v)) s.evalValues[key][s.evalSteps.length - 1] = v;
      } else push(s.evalValues, s.evalSteps.length, key, v);
    }
  }
}

const last = (arr) => (arr.length ? arr[arr.length - 1] : -Infinity);
const finite = (v) => typeof v === 'number' && Number.isFinite(v);

// Appends v as the value of point n - 1 of values[q], padding points that lacked q with null.
function push(values, n, q, v) {
  const arr = values[q] || (values[q] = []);
  while (arr.length < n - 1) arr.push(null);
  arr.push(finite(v) ? v : null);
}

function uniqueNames(segments) {
  const count = new Map();
  for (const s of segments) {
    const n = (count.get(s.name) || 0) + 1;
    count.set(s.name, n);
    if (n > 1) s.name = `${s.name} #${n}`;
  }
}

// trainSeries of a store's events, computed once per length: the loss and evaluation panels
// read the same result, and a store's events array only grows.
const cache = new WeakMap(); // events array -> {length, result}
export function trainSeriesOf(events) {
  const hit = cache.get(events);
  if (hit && hit.length === events.length) return hit.result;
  const result = trainSeries(events);
  cache.set(events, { length: events.length, result });
  return result;
}

// The series of one quantity for a chart: [{label, steps, values}], from segments that have it.
// `evaluation` picks the train.eval points instead of the train.metrics ones.
export function chartSeries(segments, key, { prefix = '', evaluation = false } = {}) {
  const out = [];
  for (const s of segments) {
    const values = (evaluation ? s.evalValues : s.values)[key];
    if (!values || !values.some((v) => v !== null)) continue;
    out.push({ label: prefix + s.name, steps: evaluation ? s.evalSteps : s.steps, values }); // a short values array ends in gaps
  }
  return out;
}

// Aligns series with different steps on one x axis for uPlot: [xs, ys...] with nulls for gaps.
export function alignSeries(list, { logScale }) {
  const xs = [...new Set(list.flatMap((s) => s.steps))].sort((a, b) => a - b);
  const at = new Map(xs.map((x, i) => [x, i]));
  let points = 0;
  const ys = list.map((s) => {
    const arr = new Array(xs.length).fill(null);
    s.steps.forEach((x, i) => {
      let v = s.values[i];
      if (v === undefined || v === null || (logScale && v <= 0)) v = null;
      if (v !== null) points++;
      arr[at.get(x)] = v;
    });
    return arr;
  });
  return { data: [xs, ...ys], points };
}
