// Behaviour checks of the debug section's pure parts (no browser): how debug.* events fold into
// state and captures, where a capture's files are, how the feature table sorts and colours its
// rows, sprite tile geometry, heatmap hover and reordering, trajectory series.
// Run: node --test viewer/src/panels/debug/debug.test.mjs   (CTest: viewer_debug_unit)
//
// How to add a case: build the input with the helpers below (events as the store holds them,
// tables as features.<layer>.json holds them), then check the pure function.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDebugLog, foldDebugEvents, captureLabel } from './debug_events.js';
import { capturePath, captureHas, cosineSourcesOf, fileNames, runFileUrl } from './debug_files.js';
import { featureColumns, sortRows, nextSort, statusClass, summaryRows, statusCounts } from './feature_rows.js';
import { tileRect, tileScale } from './sprite_tiles.js';
import { divergingColor, orderedView, cellAt, validOrder, cellSize } from './heatmap_math.js';
import { trajectorySeries } from './trajectory_series.js';
import { alignSeries } from '../train_series.js';

const ev = (type, payload) => ({ type, payload });
const capture = (step, from = 'init', files = ['batch.png', 'batch.json', 'features.encoder.json']) =>
  ev('debug.capture', { step, from, dir: `debug/${from}/step_${step}`, files, layers: ['encoder'] });

test('debug events fold into the last state, captures in order (a recaptured step replaces its entry), watch and trajectories', () => {
  const log = createDebugLog();
  const events = [ev('train.metrics', { step: 1 }), ev('debug.state', { state: 'paused', step: 5, from: 'init' }), capture(5)];
  assert.equal(foldDebugEvents(log, events), true);
  assert.equal(log.any, true);
  assert.equal(log.state.state, 'paused');
  assert.deepEqual(log.captures.map((c) => c.step), [5]);
  assert.equal(foldDebugEvents(log, events), false, 'nothing new: no change');
  events.push(capture(6), capture(6, 'other'), capture(5), ev('debug.watch', { layer: 'encoder', features: [3, 4] }),
    ev('debug.trajectories', { path: 'debug/trajectories.json', step: 6 }), ev('debug.state', { state: 'stepping', step: 6 }));
  assert.equal(foldDebugEvents(log, events), true);
  assert.deepEqual(log.captures.map(captureLabel), ['step 6 · from init', 'step 6 · from other', 'step 5 · from init']);
  assert.deepEqual(log.watch.features, [3, 4]);
  assert.equal(log.trajectories.path, 'debug/trajectories.json');
  assert.equal(log.state.state, 'stepping');
});

test('capture layers as acc writes them (entries with paths) or as bare names', () => {
  const log = createDebugLog();
  foldDebugEvents(log, [ev('debug.capture', { step: 3, from: 'init', dir: 'debug/init/step_3', files: [], layers: [
    { layer: 'encoder.conv1', features: 'debug/init/step_3/features.encoder.conv1.json', force: 'debug/init/step_3/force.encoder.conv1.json' },
    { layer: 'encoder.conv2', features: 'debug/init/step_3/features.encoder.conv2.json', force_unavailable: 'not a first layer' },
    { features: 'no layer name: skipped' }, 'decoder'] })]);
  const [c] = log.captures;
  assert.deepEqual(c.layers, ['encoder.conv1', 'encoder.conv2', 'decoder']);
  assert.equal(c.layerInfo['encoder.conv2'].force_unavailable, 'not a first layer');
  assert.deepEqual(c.layerInfo.decoder, { layer: 'decoder' });
});

test('a run without debug events stays without a debug log', () => {
  const log = createDebugLog();
  foldDebugEvents(log, [ev('train.metrics', { step: 1 }), ev('run.completed', {})]);
  assert.equal(log.any, false);
  assert.equal(log.captures.length, 0);
});

test('capture files resolve under the capture directory, whether the event names them bare or as run paths', () => {
  const c = createDebugLog();
  foldDebugEvents(c, [capture(7, 'init', ['batch.png', 'debug/init/step_7/features.encoder.json', 'cosine.encoder.weights.json'])]);
  const cap = c.captures[0];
  assert.equal(capturePath(cap, fileNames.batchImage()), 'debug/init/step_7/batch.png');
  assert.equal(capturePath(cap, 'debug/init/step_7/batch.json'), 'debug/init/step_7/batch.json');
  assert.equal(captureHas(cap, fileNames.features('encoder')), true);
  assert.equal(captureHas(cap, fileNames.force('encoder')), false);
  assert.deepEqual(cosineSourcesOf(cap, 'encoder'), ['weights']);
  assert.deepEqual(cap.layers, ['encoder']);
  assert.equal(runFileUrl('file:///r/run%201/', 'debug/a b/x.png'), 'file:///r/run%201/debug/a%20b/x.png');
});

const table = {
  columns: ['win_rate', 'usage', 'grad_magnitude', 'dead', 'status'],
  rows: [
    { feature: 0, win_rate: 0.5, usage: 0.9, grad_magnitude: 0.2, dead: false, status: 'winner' },
    { feature: 1, win_rate: 0, usage: 0, grad_magnitude: 0, dead: true, status: 'dead' },
    { feature: 2, win_rate: 0.1, usage: 0.4, grad_magnitude: null, dead: false, status: 'contender' },
    { feature: 3, win_rate: 0.4, usage: 0.6, grad_magnitude: 0.7, dead: false, status: 'winner' },
  ],
  summary: { mean: { win_rate: 0.25, usage: 0.475 }, min: { win_rate: 0 }, max: { win_rate: 0.5 }, counts: { dead: 1, winner: 2, contender: 1 } },
};
const ids = (rows) => rows.map((r) => r.feature);

test('the feature table sorts by any column, missing values last in both directions, ties in feature order', () => {
  assert.deepEqual(featureColumns(table), ['feature', 'win_rate', 'usage', 'grad_magnitude', 'dead', 'status']);
  assert.deepEqual(featureColumns({ rows: [{ win_rate: 1, feature: 0 }] }), ['feature', 'win_rate']);
  assert.deepEqual(ids(sortRows(table.rows, 'win_rate', 'desc')), [0, 3, 2, 1]);
  assert.deepEqual(ids(sortRows(table.rows, 'win_rate', 'asc')), [1, 2, 3, 0]);
  assert.deepEqual(ids(sortRows(table.rows, 'grad_magnitude', 'desc')), [3, 0, 1, 2]);
  assert.deepEqual(ids(sortRows(table.rows, 'grad_magnitude', 'asc')), [1, 0, 3, 2]);
  assert.deepEqual(ids(sortRows(table.rows, 'dead', 'desc')), [1, 0, 2, 3]);
  assert.deepEqual(ids(sortRows(table.rows, 'status', 'asc')), [1, 0, 3, 2], 'dead, winners, contenders');
  assert.deepEqual(ids(table.rows), [0, 1, 2, 3], 'sorting leaves the file data alone');
});

test('a header click sorts a new metric largest first and flips on a second click', () => {
  let s = nextSort(null, 'win_rate');
  assert.deepEqual(s, { column: 'win_rate', direction: 'desc' });
  s = nextSort(s, 'win_rate');
  assert.deepEqual(s, { column: 'win_rate', direction: 'asc' });
  assert.deepEqual(nextSort(s, 'feature'), { column: 'feature', direction: 'asc' });
});

test('row colours come from the status acc wrote; summary rows and counts from `summary`', () => {
  assert.deepEqual(table.rows.map(statusClass), ['status-winner', 'status-dead', 'status-contender', 'status-winner']);
  assert.equal(statusClass({ status: 'something-new' }), 'status-unknown');
  const cols = featureColumns(table);
  const rows = summaryRows(table.summary, cols);
  assert.deepEqual(rows.map((r) => r.label), ['mean', 'min', 'max']);
  assert.equal(rows[0].values.usage, 0.475);
  assert.equal('feature' in rows[0].values, false);
  assert.deepEqual(statusCounts(table.summary), { dead: 1, winner: 2, contender: 1 });
  assert.deepEqual(statusCounts(undefined), { dead: null, winner: null, contender: null });
});

test('sprite tiles: feature c at column c % cols, row floor(c / cols)', () => {
  const force = { tile: { w: 28, h: 28 }, sheet: { cols: 8, rows: 4 } };
  assert.deepEqual(tileRect(0, force), { sx: 0, sy: 0, w: 28, h: 28 });
  assert.deepEqual(tileRect(7, force), { sx: 196, sy: 0, w: 28, h: 28 });
  assert.deepEqual(tileRect(8, force), { sx: 0, sy: 28, w: 28, h: 28 });
  assert.deepEqual(tileRect(31, force), { sx: 196, sy: 84, w: 28, h: 28 });
  assert.equal(tileRect(32, force), null);
  assert.equal(tileRect(-1, force), null);
  const rect = { tile: { w: 5, h: 3 }, sheet: { cols: 3, rows: 2 } };
  assert.deepEqual(tileRect(4, rect), { sx: 5, sy: 3, w: 5, h: 3 });
  assert.equal(tileScale({ w: 28, h: 28 }, 160), 5);
  assert.equal(tileScale({ w: 500, h: 28 }, 160), 1);
});

test('heatmap colours: -1 blue, 0 white, 1 red, clamped; non-finite grey', () => {
  assert.deepEqual(divergingColor(0), [255, 255, 255]);
  assert.deepEqual(divergingColor(-1), [33, 102, 172]);
  assert.deepEqual(divergingColor(1), [178, 24, 43]);
  assert.deepEqual(divergingColor(3), divergingColor(1));
  const half = divergingColor(-0.5);
  assert.ok(half[2] > half[0] && half[0] < 255 && half[0] > 33, 'half-way is a lighter blue');
  assert.deepEqual(divergingColor(NaN), [136, 136, 136]);
});

// matrix[i][j] = 10 i + j, so every value names its cell.
const matrix = [[0, 1, 2], [10, 11, 12], [20, 21, 22]];

test('heatmap hover maps a pointer position to (row, col, value), with and without a reorder', () => {
  const plain = orderedView(matrix);
  assert.deepEqual(cellAt(plain, 10, 25, 5), { row: 0, col: 2, rowLabel: 0, colLabel: 2, value: 2 });
  assert.deepEqual(cellAt(plain, 10, 0, 29.9), { row: 2, col: 0, rowLabel: 2, colLabel: 0, value: 20 });
  assert.equal(cellAt(plain, 10, 30, 0), null);
  assert.equal(cellAt(plain, 10, -1, 0), null);
  // Reordered by a metric: features 2, 0, 1 (as a file's `orders` lists them).
  const ordered = orderedView(matrix, { order: [2, 0, 1] });
  assert.deepEqual(ordered.labels, [2, 0, 1]);
  assert.deepEqual(cellAt(ordered, 10, 5, 5), { row: 0, col: 0, rowLabel: 2, colLabel: 2, value: 22 });
  assert.deepEqual(cellAt(ordered, 10, 25, 5), { row: 0, col: 2, rowLabel: 2, colLabel: 1, value: 21 });
  assert.deepEqual(cellAt(ordered, 10, 5, 15), { row: 1, col: 0, rowLabel: 0, colLabel: 2, value: 2 });
  // The watched-features matrix names its rows by feature id.
  const watched = orderedView(matrix, { labels: [3, 17, 42] });
  assert.deepEqual(cellAt(watched, 4, 5, 1), { row: 0, col: 1, rowLabel: 3, colLabel: 17, value: 1 });
});

test('an order that is not a permutation is ignored', () => {
  assert.equal(validOrder([2, 0, 1], 3), true);
  assert.equal(validOrder([2, 2, 1], 3), false);
  assert.equal(validOrder([0, 1], 3), false);
  assert.equal(validOrder([0, 1, 3], 3), false);
  assert.deepEqual(orderedView(matrix, { order: [0, 0, 1] }).labels, [0, 1, 2]);
  assert.equal(cellSize(64, 320), 5);
  assert.equal(cellSize(1000, 320), 2);
  assert.equal(cellSize(2, 320), 24);
});

test('trajectory series: one line per watched feature for the chosen metric, unwatched records after, gaps for missing values', () => {
  const traj = {
    watched: [17, 3],
    features: {
      3: { since: 5, stride: 1, points: [{ step: 5, win_rate: 0.1, gate: 1 }, { step: 6, win_rate: 0.2, gate: 0.9 }] },
      17: { since: 6, stride: 1, points: [{ step: 6, win_rate: 0.5 }, { step: 7, win_rate: 0.4 }] },
      9: { since: 1, stride: 2, points: [{ step: 1, win_rate: 0 }, { step: 3, win_rate: 0.05 }] },
    },
  };
  const series = trajectorySeries(traj, 'win_rate');
  assert.deepEqual(series.map((s) => [s.label, s.watched]), [['feature 17', true], ['feature 3', true], ['feature 9', false]]);
  assert.deepEqual(series[1].steps, [5, 6]);
  assert.deepEqual(series[1].values, [0.1, 0.2]);
  const gate = trajectorySeries(traj, 'gate');
  assert.deepEqual(gate[0].values, [null, null]);
  const { data, points } = alignSeries(series, { logScale: false });
  assert.deepEqual(data[0], [1, 3, 5, 6, 7]);
  assert.equal(points, 6);
  assert.deepEqual(trajectorySeries(null, 'gate'), []);
});

test('controls: feature ids typed for watch, and the state a command reply reports', async () => {
  const { parseFeatureIds, replyState } = await import('./debug_controls.js');
  assert.deepEqual(parseFeatureIds('3,17, 42'), [3, 17, 42]);
  assert.deepEqual(parseFeatureIds(' 5 '), [5]);
  assert.equal(parseFeatureIds(''), null);
  assert.equal(parseFeatureIds('3,x'), null);
  assert.equal(parseFeatureIds('-1'), null);
  assert.equal(parseFeatureIds('1.5'), null);
  assert.equal(replyState({ paused: true, step: 6, stepping_left: 0 }), 'paused');
  assert.equal(replyState({ paused: false, step: 6, stepping_left: 2 }), 'stepping');
  assert.equal(replyState({ paused: false, step: 6 }), 'running');
  assert.equal(replyState({ cancelling: true }), null, 'not a state object');
  assert.equal(replyState(null), null);
});
