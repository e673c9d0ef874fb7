// The traversal-effects JSON turned into the card's rows and chart series (no browser).
// Run: node --test viewer/src/panels/traversal_effects.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { traversalEffectsModel, chartSeries, segments, yDomain } from './traversal_effects.js';

const VALUES = [-3, -2.25, -1.5, -0.75, 0, 0.75, 1.5, 2.25, 3];
const MEASURES = ['thickness', 'slant', 'length', 'width', 'height'];
const row = (f) => VALUES.map((v, i) => f(v, i));

// One group per entry: r2 and slope per measure; mean rises with the slope.
function file({ groups, judge = { tag: 'judge', node: 'abc', model: 'supervised_ae', test_accuracy: 0.981, n_test: 2004, required_accuracy: 0.97, meets_requirement: true }, ...rest } = {}) {
  return {
    format: 'acc.traversal_effects', version: 1, dataset: 'mnist', split: 'test', n: 200,
    values: VALUES, measures: MEASURES, units: ['px', 'deg', 'px', 'px', 'px'], judge,
    reconstruction: { mean: [2, 0, 20, 12, 18] },
    groups: groups.map((g, gi) => ({
      name: g.name, start: gi * 4, end: gi * 4 + 4,
      mean: MEASURES.map((_, m) => row((v) => 10 + g.slope[m] * v)),
      std: MEASURES.map(() => row(() => 0.1)),
      slope: g.slope, r2: g.r2,
      digit_kept: row((v) => 1 - Math.abs(v) / 10), digit_kept_rate: 0.93, empty: row(() => 0),
    })),
    plot: 'eval/n/traversal_effects_mnist_step_5000.png',
    plot_layout: { panels: [...MEASURES, 'digit_kept'], colors: ['#1f77b4', '#ff7f0e', 'not a colour;'] },
    ...rest,
  };
}

const GROUPS = [
  { name: 'thickness', slope: [0.8, 0.1, 0.2, 0.3, 0], r2: [0.9, 0.05, 0.3, null, 0.1] },
  { name: 'slant', slope: [0.05, 9, 0.1, 0.2, 0], r2: [0.1, 0.85, 0.3, 0.2, null] },
  { name: 'free', slope: [null, 0, 0, 0, 0], r2: [null, 0.01, 0.02, 0.2, null] },
];

test('rows: one per group with slope and R² per measure, dims and digit-kept rate', () => {
  const m = traversalEffectsModel(file({ groups: GROUPS }));
  assert.equal(m.dataset, 'mnist');
  assert.deepEqual(m.measures.map((x) => `${x.name}/${x.unit}`), ['thickness/px', 'slant/deg', 'length/px', 'width/px', 'height/px']);
  assert.deepEqual(m.groups.map((g) => [g.name, g.start, g.end]), [['thickness', 0, 4], ['slant', 4, 8], ['free', 8, 12]]);
  assert.deepEqual(m.groups[1].slope, [0.05, 9, 0.1, 0.2, 0]);
  assert.deepEqual(m.groups[0].r2, [0.9, 0.05, 0.3, null, 0.1], 'null R² stays missing');
  assert.equal(m.groups[2].slope[0], null);
  assert.equal(m.groups[0].keptRate, 0.93);
  assert.deepEqual(m.baseline, [2, 0, 20, 12, 18]);
  assert.equal(m.warning, null);
});

test('the best R² per measure is marked, ties mark every tied group, an all-null column marks none', () => {
  const m = traversalEffectsModel(file({ groups: GROUPS }));
  const best = (k) => m.groups.filter((g) => g.best[k]).map((g) => g.name);
  assert.deepEqual(best(0), ['thickness']);
  assert.deepEqual(best(1), ['slant']);
  assert.deepEqual(best(2), ['thickness', 'slant'], 'a tie');
  assert.deepEqual(best(3), ['slant', 'free'], 'null is not a winner; ties again');
  assert.deepEqual(best(4), ['thickness']);
  const none = traversalEffectsModel(file({ groups: GROUPS.map((g) => ({ ...g, r2: [null, null, null, null, null] })) }));
  assert.ok(none.groups.every((g) => g.best.every((b) => !b)));
});

test('judge: accuracy and requirement read, a missing judge is null', () => {
  const m = traversalEffectsModel(file({ groups: GROUPS }));
  assert.deepEqual(m.judge, { tag: 'judge', node: 'abc', model: 'supervised_ae', accuracy: 0.981, nTest: 2004, required: 0.97, meets: true });
  const weak = traversalEffectsModel(file({ groups: GROUPS, judge: { tag: 'j2', test_accuracy: 0.5, required_accuracy: 0.97, meets_requirement: false } }));
  assert.equal(weak.judge.meets, false);
  assert.equal(traversalEffectsModel(file({ groups: GROUPS, judge: null })).judge, null);
});

test('colours come from plot_layout, invalid or missing ones from the fallback palette', () => {
  const m = traversalEffectsModel(file({ groups: GROUPS }));
  assert.deepEqual(m.groups.map((g) => g.color.startsWith('#')), [true, true, true]);
  assert.equal(m.groups[0].color, '#1f77b4');
  assert.equal(m.groups[1].color, '#ff7f0e');
  assert.notEqual(m.groups[2].color, 'not a colour;');
});

test('malformed parts: short or missing arrays become nulls, a wrong file throws naming it', () => {
  const f = file({ groups: GROUPS });
  f.groups[0].slope = [1];
  delete f.groups[1].mean;
  f.groups.push('junk');
  const m = traversalEffectsModel(f, 'eval/n/x.json');
  assert.equal(m.groups.length, 3, 'a non-object group is skipped');
  assert.deepEqual(m.groups[0].slope, [1, null, null, null, null]);
  assert.ok(m.groups[1].mean.every((ys) => ys.every((y) => y === null)));
  assert.throws(() => traversalEffectsModel({ format: 'acc.other', values: VALUES, measures: MEASURES }, 'a.json'), /a\.json: format acc\.other/);
  assert.throws(() => traversalEffectsModel(null, 'b.json'), /b\.json/);
  assert.throws(() => traversalEffectsModel({ values: [], measures: MEASURES }, 'c.json'), /no traversal values/);
  assert.match(traversalEffectsModel({ ...file({ groups: GROUPS }), version: 2 }, 'd.json').warning, /version 2 is newer/);
});

test('chart series: mean per traversal value, null breaks the line, y domain padded', () => {
  const f = file({ groups: GROUPS });
  f.groups[0].mean[1][4] = null;
  const m = traversalEffectsModel(f);
  const slant = chartSeries(m, 1);
  assert.equal(slant.length, 3);
  assert.deepEqual(slant[1].points[0], [-3, 10 - 27]);
  assert.equal(slant[0].points[4], null);
  assert.deepEqual(segments(slant[0].points).map((s) => s.length), [4, 4]);
  assert.deepEqual(chartSeries(m, 'kept')[0].points[4], [0, 1]);
  const [lo, hi] = yDomain(slant, [0]);
  assert.ok(lo < 10 - 27 && hi > 10 + 27);
  assert.deepEqual(yDomain([{ points: [[0, 5], [1, 5]] }]), [4, 6], 'a constant gets ±1');
  assert.deepEqual(yDomain([{ points: [null] }]), [0, 1]);
});
