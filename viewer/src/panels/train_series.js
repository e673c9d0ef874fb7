// Splits a run's train.metrics events into series for the loss charts. Each train segment is
// its own series so branches trained in one phase overlay: a segment ends at phase.started, at a
// fork (checkpoint.saved with fork), or when the global step goes backwards. A segment is named
// after the checkpoint it continues from ("from lr_low"), the most recent checkpoint.saved before it.

// Returns {quantities: ['loss', 'recon', ...], segments: [{name, phase, steps: [], values: {q: []}}]}
export function trainSeries(events) {
  const segments = [];
  const quantities = new Set(['loss']);
  let phase = '';
  let fromTag = '';
  let current = null;
  let lastStep = -Infinity;
  const end = () => { current = null; };
  for (const e of events) {
    const p = e.payload;
    if (e.type === 'phase.started') { phase = p.phase || ''; end(); }
    else if (e.type === 'checkpoint.saved') { fromTag = p.tag || fromTag; if (p.fork) end(); }
    else if (e.type === 'train.metrics' && typeof p.step === 'number') {
      if (current && p.step <= lastStep) end();
      if (!current) {
        current = { name: fromTag ? `from ${fromTag}` : phase || 'train', phase, steps: [], values: { loss: [] } };
        segments.push(current);
      }
      lastStep = p.step;
      current.steps.push(p.step);
      push(current, 'loss', p.loss);
      for (const [task, v] of Object.entries(p.losses || {})) { quantities.add(task); push(current, task, v); }
    }
  }
  uniqueNames(segments);
  return { quantities: [...quantities], segments };
}

function push(segment, q, v) {
  if (!segment.values[q]) segment.values[q] = new Array(segment.steps.length - 1).fill(null);
  const arr = segment.values[q];
  while (arr.length < segment.steps.length - 1) arr.push(null);
  arr.push(typeof v === 'number' && Number.isFinite(v) ? v : null);
}

function uniqueNames(segments) {
  const count = new Map();
  for (const s of segments) {
    const n = (count.get(s.name) || 0) + 1;
    count.set(s.name, n);
    if (n > 1) s.name = `${s.name} #${n}`;
  }
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
