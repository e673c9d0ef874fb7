// Behaviour checks of the spike-keeping downsampling (downsample.js) and the hover lookup: a
// lone spike among 100,000 points survives, the output is bounded by 4 per column, the ends are
// kept, steps stay monotone, short series pass through, and hover finds the real nearest point.
// Run: node --test viewer/src/panels/downsample.test.mjs   (CTest: viewer_downsample_unit)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { m4Indices, nearestPoint } from './downsample.js';

const N = 100000;
const steps = Array.from({ length: N }, (_, i) => 2 * i + 2); // logged every 2 steps
const noisy = steps.map((t, i) => 1 + 0.01 * Math.sin(i * 12.9898) ); // deterministic jitter

test('a single spike among 100,000 points survives, and so does a single dip', () => {
  const values = noisy.slice();
  values[73451] = 50;
  values[12345] = -7;
  const keep = m4Indices(steps, values, 600);
  assert.ok(keep.includes(73451), 'the spike is kept');
  assert.ok(keep.includes(12345), 'the dip is kept');
  const kept = keep.map((i) => values[i]);
  assert.equal(Math.max(...kept), 50);
  assert.equal(Math.min(...kept), -7);
});

test('output bounded by 4 per column; first and last kept; indices and steps strictly increase', () => {
  for (const columns of [1, 7, 300, 1234]) {
    const keep = m4Indices(steps, noisy, columns);
    assert.ok(keep.length <= 4 * columns, `${keep.length} points for ${columns} columns`);
    assert.equal(keep[0], 0);
    assert.equal(keep[keep.length - 1], N - 1);
    for (let j = 1; j < keep.length; j++) {
      assert.ok(keep[j] > keep[j - 1], `indices increase at ${j}`);
      assert.ok(steps[keep[j]] > steps[keep[j - 1]], `steps increase at ${j}`);
    }
  }
});

test('every column keeps its extent: the min and max of each column of the full series', () => {
  const columns = 50;
  const keep = new Set(m4Indices(steps, noisy, columns));
  const lo = steps[0], hi = steps[N - 1];
  const col = (t) => Math.min(columns - 1, Math.floor(((t - lo) / (hi - lo)) * columns));
  const extent = new Map();
  steps.forEach((t, i) => {
    const c = col(t);
    const e = extent.get(c) || { min: Infinity, max: -Infinity, keptMin: Infinity, keptMax: -Infinity };
    e.min = Math.min(e.min, noisy[i]); e.max = Math.max(e.max, noisy[i]);
    if (keep.has(i)) { e.keptMin = Math.min(e.keptMin, noisy[i]); e.keptMax = Math.max(e.keptMax, noisy[i]); }
    extent.set(c, e);
  });
  for (const [c, e] of extent) assert.deepEqual([e.keptMin, e.keptMax], [e.min, e.max], `column ${c}`);
});

test('short series pass through (gaps dropped); gaps are never kept', () => {
  assert.deepEqual(m4Indices([1, 2, 3, 4], [1, null, 3, NaN], 100), [0, 2]);
  const values = noisy.slice();
  for (let i = 0; i < N; i += 3) values[i] = null;
  const keep = m4Indices(steps, values, 200);
  assert.ok(keep.every((i) => values[i] !== null));
  assert.equal(keep[0], 1);
});

test('hover: the real point nearest a step, skipping gaps', () => {
  const s = [10, 20, 30, 40, 50];
  const v = [1, 2, null, 4, 5];
  assert.deepEqual(nearestPoint(s, v, 21), { step: 20, value: 2, index: 1 });
  assert.deepEqual(nearestPoint(s, v, 29), { step: 20, value: 2, index: 1 }); // 30 is a gap: 20 is 9 away, 40 is 11
  assert.deepEqual(nearestPoint(s, v, 34), { step: 40, value: 4, index: 3 });
  assert.deepEqual(nearestPoint(s, v, -5), { step: 10, value: 1, index: 0 });
  assert.deepEqual(nearestPoint(s, v, 99), { step: 50, value: 5, index: 4 });
  assert.deepEqual(nearestPoint(s, v, 40), { step: 40, value: 4, index: 3 });
  assert.equal(nearestPoint([], [], 3), null);
  assert.equal(nearestPoint([1], [null], 3), null);
  // On the 100,000-point series a spike dropped between drawn points is still what hover shows.
  const values = noisy.slice();
  values[73451] = 50;
  assert.equal(nearestPoint(steps, values, steps[73451] + 0.4).value, 50);
});

test('chartData: a 100,000-point series is drawn reduced, counted whole, and smoothed behind its raw line', async () => {
  const { chartData } = await import('./chart_data.js');
  const values = noisy.slice();
  values[73451] = 50;
  const out = chartData([{ label: 'a', steps, values }], { columns: 500, smoothing: 0.9 });
  assert.equal(out.points, N);
  assert.ok(out.downsampled);
  assert.ok(out.drawnPoints <= 2 * 4 * 500, `${out.drawnPoints} drawn points`);
  assert.deepEqual(out.drawn.map((d) => [d.label, d.raw]), [['a (raw)', true], ['a', false]]);
  assert.ok(out.data[1].includes(50), 'the spike is in the drawn raw line');
  assert.equal(out.data.length, 3);
  const plain = chartData([{ label: 'a', steps: [1, 2, 3], values: [1, -1, 2] }], { logScale: true });
  assert.deepEqual(plain.data, [[1, 3], [1, 2]]);
  assert.equal(plain.points, 2);
  assert.equal(plain.downsampled, false);
});
