// Behaviour checks of the step-weighted, debiased EMA (smoothing.js): the first value is exact,
// the logging interval does not change the curve, s = 0 is the identity, gaps are ignored, and a
// 3-point example computed by hand.
// Run: node --test viewer/src/panels/smoothing.test.mjs   (CTest: viewer_smoothing_unit)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { smoothEma, smoothingUnit, timeConstant, parseSmoothing } from './smoothing.js';

const range = (from, to, by) => Array.from({ length: Math.floor((to - from) / by) + 1 }, (_, i) => from + i * by);
const close = (a, b, tol, what) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b} (tolerance ${tol})`);

test('debiased: the first smoothed value is the first value, not pulled toward 0', () => {
  for (const s of [0.1, 0.6, 0.99, 0.999]) {
    const out = smoothEma([5, 6, 7], [42, 40, 41], s);
    assert.equal(out[0], 42, `s = ${s}`);
  }
  // A constant curve stays constant at every s and spacing (the weights are normalised).
  const steps = [3, 4, 10, 11, 50, 1000];
  for (const v of smoothEma(steps, steps.map(() => 7.5), 0.97)) close(v, 7.5, 1e-12, 'constant curve');
});

test('hand-computed 3-point example: steps 0, 1, 3; values 1, 2, 4; s = 0.5 per step', () => {
  // a = 0.5 (the first gap is taken from the second point), 0.5, 0.25:
  // n = 0.5, 1.25, 3.3125; d = 0.5, 0.75, 0.9375; m = 1, 5/3, 53/15.
  const out = smoothEma([0, 1, 3], [1, 2, 4], 0.5);
  close(out[0], 1, 1e-15, 'm0');
  close(out[1], 5 / 3, 1e-15, 'm1');
  close(out[2], 53 / 15, 1e-15, 'm2');
});

test('s = 0 is the identity (non-finite values become gaps)', () => {
  const values = [3, -1, 0.25, null, NaN, 1e9];
  assert.deepEqual(smoothEma([1, 2, 3, 4, 5, 6], values, 0), [3, -1, 0.25, null, null, 1e9]);
});

test('invariant to the logging interval: every step and every 10 steps agree at shared steps', () => {
  const curve = (t) => 2 * Math.exp(-t / 400) + 0.3 * Math.sin(t / 60);
  const fine = range(1, 3000, 1);
  const coarse = range(10, 3000, 10);
  const s = 0.99; // per step: tau ~ 100 steps
  const a = smoothEma(fine, fine.map(curve), s);
  const b = smoothEma(coarse, coarse.map(curve), s);
  const at = new Map(fine.map((t, i) => [t, a[i]]));
  let worst = 0;
  coarse.forEach((t, i) => { if (t >= 200) worst = Math.max(worst, Math.abs(b[i] - at.get(t))); });
  // The coarse log holds each value over the 9 steps before it: a lag of ~4.5 steps, worth
  // 4.5 * |slope| (slope <= 0.01 per step here).
  assert.ok(worst < 0.05, `largest difference at shared steps past step 200: ${worst}`);
  // A per-point EMA (steps ignored) with the same s smooths the coarse log over 10x the steps.
  const perPoint = smoothEma(coarse.map((_, i) => i), coarse.map(curve), s);
  let perPointWorst = 0;
  coarse.forEach((t, i) => { if (t >= 200) perPointWorst = Math.max(perPointWorst, Math.abs(perPoint[i] - at.get(t))); });
  assert.ok(perPointWorst > 10 * worst, `a per-point EMA should differ much more (${perPointWorst} vs ${worst})`);
});

test('non-finite values are ignored: the same as leaving those points out, and gaps there', () => {
  const withGap = smoothEma([0, 1, 2, 3, 4, 6], [1, null, Infinity, NaN, 5, 2], 0.5);
  const without = smoothEma([0, 4, 6], [1, 5, 2], 0.5);
  assert.deepEqual(withGap.slice(1, 4), [null, null, null]);
  assert.deepEqual([withGap[0], withGap[4], withGap[5]], without);
  // The gap still decays by its 4 steps: a = 0.5^4 for the first two points, 0.5^2 after.
  const a = 0.5 ** 4;
  close(without[1], (a * (1 - a) * 1 + (1 - a) * 5) / (a * (1 - a) + 1 - a), 1e-12, 'after the gap');
});

test('larger s smooths more; the unit scales the steps', () => {
  const steps = range(0, 100, 1);
  const values = steps.map((t) => (t === 50 ? 10 : 0));
  const peak = (s, unit) => Math.max(...smoothEma(steps, values, s, unit).slice(50));
  assert.ok(peak(0.5, 1) > peak(0.9, 1));
  close(peak(0.9, 1), peak(0.9 ** 0.5, 0.5), 1e-12, 's per unit, unit halved');
  assert.ok(Math.abs(timeConstant(0.9, 1) - 9.49) < 0.01);
  assert.equal(smoothingUnit([{ steps: [10, 20] }, { steps: [0, 2000] }]), 10);
  assert.equal(smoothingUnit([{ steps: [5] }]), 1);
  assert.deepEqual(['0.6', '', 'x', '-1', '2'].map(parseSmoothing), [0.6, 0, 0, 0, 0.999]);
});
