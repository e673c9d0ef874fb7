// Behaviour checks of how training events become chart series and progress bars (no browser):
// branches written concurrently (with `from`) stay whole, old runs (without it) keep the
// segment inference, train.eval becomes one series per metric and branch.
// Run: node --test viewer/src/panels/train_series.test.mjs   (CTest: viewer_series_unit)
//
// How to add a case: build the log with the helpers below (seq and line are filled in), then
// check trainSeries(...) or chartSeries(...).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trainSeries, chartSeries, alignSeries, trainSeriesOf } from './train_series.js';
import { foldProgress, progressBars } from './branch_progress.js';

const ev = (type, payload, time = '2026-11-22T10:00:00.000Z') => ({ type, payload, time });
const log = (...events) => events.flat().map((e, i) => ({ seq: i + 1, line: i + 1, ...e }));
const phase = (name) => ev('phase.started', { phase: name });
const saved = (tag, fork = false) => ev('checkpoint.saved', { tag, ...(fork ? { fork: true } : {}) });
const metrics = (step, loss, from) => ev('train.metrics', { step, loss, losses: { recon: loss / 2 }, ...(from === undefined ? {} : { from }) });
const evalEvent = (step, from, metricsByTask) => ev('train.eval', { step, from, metrics: metricsByTask });
const byName = (series) => Object.fromEntries(series.segments.map((s) => [s.name, s]));

// Two branches forked from init, trained at once: their events alternate in the file, and the
// second branch's steps restart below the first's at every switch.
function interleavedRun() {
  const a = (step) => metrics(step, 10 - step / 10, 'lr_low');
  const b = (step) => metrics(step, 20 - step / 10, 'lr_high');
  return log(phase('setup'), saved('init'), phase('train'), saved('lr_low', true), saved('lr_high', true),
    a(10), b(10), a(20), phase('train'), b(20), b(30), a(30), // a concurrent writer's phase.started mid-way
    evalEvent(30, 'lr_low', { sparsity: { hoyer: 0.5, dead: 0.1 }, diversity: { cosine_mean: 0.9 } }),
    evalEvent(30, 'lr_high', { sparsity: { hoyer: 0.4 }, diversity: { cosine_mean: 0.8 } }), // no sparsity.dead
    a(40), evalEvent(40, 'lr_low', { sparsity: { hoyer: 0.6, dead: 0.2 }, diversity: { cosine_mean: 0.7 } }),
    b(40), evalEvent(40, 'lr_high', { sparsity: { hoyer: 0.45, dead: 0.3 }, diversity: { cosine_mean: 0.85 } }));
}

test('interleaved branches with `from` become one clean series each, with the right points', () => {
  const series = trainSeries(interleavedRun());
  assert.deepEqual(series.segments.map((s) => s.name), ['from lr_low', 'from lr_high']);
  const { 'from lr_low': low, 'from lr_high': high } = byName(series);
  assert.deepEqual(low.steps, [10, 20, 30, 40]);
  assert.deepEqual(low.values.loss, [9, 8, 7, 6]);
  assert.deepEqual(high.steps, [10, 20, 30, 40]);
  assert.deepEqual(high.values.loss, [19, 18, 17, 16]);
  assert.deepEqual(high.values.recon, [9.5, 9, 8.5, 8]);
  assert.deepEqual(series.quantities, ['loss', 'recon']);
  assert.deepEqual(series.problems, []);
  const loss = chartSeries(series.segments, 'loss');
  assert.deepEqual(loss.map((s) => s.label), ['from lr_low', 'from lr_high']);
  const { data, points } = alignSeries(loss, { logScale: false });
  assert.deepEqual(data[0], [10, 20, 30, 40]);
  assert.equal(points, 8);
});

test('a branch re-run from its checkpoint (its own step goes back) is cut into a second series', () => {
  const series = trainSeries(log(saved('a', true), saved('b', true),
    metrics(10, 1, 'a'), metrics(10, 2, 'b'), metrics(20, 1, 'a'), metrics(10, 1.5, 'a'), metrics(20, 2, 'b'), metrics(20, 1.4, 'a')));
  assert.deepEqual(series.segments.map((s) => [s.name, s.steps]), [['from a', [10, 20]], ['from b', [10, 20]], ['from a #2', [10, 20]]]);
});

test('`from` "" (training before any checkpoint) is named after its phase', () => {
  const series = trainSeries(log(phase('pretrain'), metrics(1, 3, ''), metrics(2, 2, '')));
  assert.deepEqual(series.segments.map((s) => [s.name, s.from, s.steps]), [['pretrain', '', [1, 2]]]);
});

test('old events without `from` keep the inference: latest checkpoint, cut at phase, fork and step going back', () => {
  const events = log(phase('setup'), saved('init'), phase('train'),
    metrics(2, 5), metrics(4, 4), // from init
    saved('lr_low', true), metrics(2, 3), metrics(4, 2), // fork: from lr_low
    saved('lr_low_trained'), metrics(2, 3.5), // step back without a fork: a new segment, from lr_low_trained
    phase('finetune'), metrics(6, 1), // new phase: cut although the step grows
    saved('x'), metrics(8, 0.5)); // a plain save does not cut
  const series = trainSeries(events);
  assert.deepEqual(series.segments.map((s) => [s.name, s.phase, s.steps, s.values.loss]), [
    ['from init', 'train', [2, 4], [5, 4]],
    ['from lr_low', 'train', [2, 4], [3, 2]],
    ['from lr_low_trained', 'train', [2], [3.5]],
    ['from lr_low_trained #2', 'finetune', [6, 8], [1, 0.5]],
  ]);
  assert.deepEqual(series.evalKeys, []);
});

test('a run before any checkpoint is named after the phase, and malformed values become gaps', () => {
  const events = log(phase('train'), ev('train.metrics', { step: 1, loss: null, losses: { recon: 'x' } }), metrics(2, 1), ev('train.metrics', { loss: 1 }));
  const series = trainSeries(events);
  assert.deepEqual(series.segments.map((s) => [s.name, s.steps, s.values.loss, s.values.recon]), [['train', [1, 2], [null, 1], [null, 0.5]]]);
});

test('train.eval becomes one series per task.metric and branch; missing metrics are gaps', () => {
  const series = trainSeries(interleavedRun());
  assert.deepEqual(series.evalKeys, ['diversity.cosine_mean', 'sparsity.dead', 'sparsity.hoyer']);
  const { 'from lr_low': low, 'from lr_high': high } = byName(series);
  assert.deepEqual(low.evalSteps, [30, 40]);
  assert.deepEqual(low.evalValues['sparsity.hoyer'], [0.5, 0.6]);
  assert.deepEqual(high.evalValues['sparsity.dead'], [null, 0.3], 'absent at step 30, present at 40');
  const dead = chartSeries(series.segments, 'sparsity.dead', { evaluation: true });
  assert.deepEqual(dead.map((s) => [s.label, s.steps, s.values]), [['from lr_low', [30, 40], [0.1, 0.2]], ['from lr_high', [30, 40], [null, 0.3]]]);
  assert.equal(alignSeries(dead, { logScale: false }).points, 3);
  // The loss charts and the evaluation charts name a branch alike (hence colour it alike).
  const evalLabels = chartSeries(series.segments, 'sparsity.hoyer', { evaluation: true }).map((s) => s.label);
  assert.deepEqual(evalLabels, chartSeries(series.segments, 'loss').map((s) => s.label));
});

test('train.eval: a metric seen only in a later event, a repeated step, a missing metric to the end', () => {
  const series = trainSeries(log(saved('g', true),
    evalEvent(0, 'g', { t: { a: 1 } }),
    evalEvent(500, 'g', { t: { a: 2, b: 5 } }),
    evalEvent(500, 'g', { t: { a: 2.5 } }), // the last-step evaluation on a periodic one: same point
    evalEvent(1000, 'g', { t: { b: 6 } })));
  const [g] = series.segments;
  assert.equal(series.segments.length, 1);
  assert.deepEqual(g.evalSteps, [0, 500, 1000]);
  assert.deepEqual(g.evalValues['t.a'], [1, 2.5]); // shorter than evalSteps: a gap at 1000
  assert.deepEqual(g.evalValues['t.b'], [null, 5, 6]);
  const { data } = alignSeries(chartSeries(series.segments, 't.a', { evaluation: true }), { logScale: false });
  assert.deepEqual(data, [[0, 500, 1000], [1, 2.5, null]]);
  assert.deepEqual(chartSeries(series.segments, 'loss'), [], 'a branch with evaluations only has no loss series');
});

test('malformed train.eval events are reported and skipped; the rest still counts', () => {
  const series = trainSeries(log(
    evalEvent(10, 'a', { t: { m: 1 } }),
    ev('train.eval', { from: 'a', metrics: { t: { m: 2 } } }), // no step
    evalEvent(20, 'a', { t: { m: 'high', n: null }, u: 3 }),
    evalEvent(30, 'a', { t: { m: 3 } })));
  assert.equal(series.problems.length, 3);
  assert.match(series.problems[0], /line 2 .*no numeric step/);
  assert.match(series.problems[1], /line 3 .*t\.m is not a number/);
  assert.match(series.problems[2], /line 3 .*task u are not an object/);
  const [a] = series.segments;
  assert.deepEqual(a.evalSteps, [10, 20, 30]);
  assert.deepEqual(a.evalValues['t.m'], [1, null, 3]);
  assert.deepEqual(series.evalKeys, ['t.m', 't.n']);
  assert.deepEqual(chartSeries(series.segments, 't.n', { evaluation: true }), [], 'a metric that is always null draws no series');
});

test('trainSeriesOf recomputes only when the events array grew', () => {
  const events = interleavedRun();
  const first = trainSeriesOf(events);
  assert.equal(trainSeriesOf(events), first);
  events.push({ seq: 99, line: 99, ...metrics(50, 1, 'lr_low') });
  const grown = trainSeriesOf(events);
  assert.notEqual(grown, first);
  assert.deepEqual(byName(grown)['from lr_low'].steps, [10, 20, 30, 40, 50]);
});

test('progress: one bar per branch still training while live, else the latest event', () => {
  const progress = (step, steps, from, time) => ev('train.progress', { step, phase_step: step, phase_steps: steps, ...(from === undefined ? {} : { from }) }, time);
  const t = (s) => `2026-11-22T10:${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}.000Z`;
  const fold = (events) => { const latest = new Map(); for (const e of log(events)) foldProgress(latest, e); return latest; };
  const keys = (bars) => bars.map((b) => b.key);

  const running = fold([progress(10, 100, 'a', t(0)), progress(10, 100, 'b', t(1)), progress(20, 100, 'a', t(2))]);
  assert.deepEqual(keys(progressBars(running, true)), ['a', 'b'], 'both training, in order of first appearance');
  assert.deepEqual(progressBars(running, true)[0].payload.step, 20);
  assert.deepEqual(keys(progressBars(running, false)), ['a'], 'not live: the latest event only');

  const oneDone = fold([progress(10, 100, 'a', t(0)), progress(100, 100, 'b', t(1)), progress(20, 100, 'a', t(2))]);
  assert.deepEqual(keys(progressBars(oneDone, true)), ['a'], 'a finished branch has no bar');
  const allDone = fold([progress(100, 100, 'a', t(0)), progress(100, 100, 'b', t(1))]);
  assert.deepEqual(keys(progressBars(allDone, true)), ['b'], 'none training: the latest event');
  const died = fold([progress(10, 100, 'a', t(0)), progress(10, 100, 'b', t(100))]);
  assert.deepEqual(keys(progressBars(died, true)), ['b'], 'a branch silent for over 60 s while another reports is dropped');

  const old = fold([progress(10, 100, undefined, t(0)), progress(20, 100, undefined, t(1))]);
  assert.deepEqual(progressBars(old, true).map((b) => [b.key, b.payload.step]), [[null, 20]], 'old runs: one bar, the latest event');
  assert.deepEqual(progressBars(new Map(), true), []);
});
