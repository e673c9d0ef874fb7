// The runs list's query language: precedence, ranges, numeric vs text comparison, metrics
// matched on any node, and the one-line errors with their positions (no browser).
// Run: node --test viewer/src/pages/run_query.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuery, matchRun, filterRuns, QueryError } from './run_query.js';

// An index.js entry; `metrics` is final_metrics ({tag: {task: {metric: value}}}).
function run(id, { recipe = 'fixture', status = 'completed', duration = 60, metrics = {}, tags = ['init', 'trained'], phase = '' } = {}) {
  return {
    run_id: id, recipe: { name: recipe, description: '' }, updated: '2026-12-04T00:00:00Z',
    summary: {
      status, reason: '', created: '2026-12-04T00:00:00Z', started: '2026-12-04T00:00:01Z', duration_seconds: duration,
      current_phase: phase, phases_completed: ['setup', 'train'], checkpoints: tags.map((tag, i) => ({ id: `id${i}`, tag, step: i })),
      final_metrics: metrics,
    },
  };
}

const RUNS = [
  run('gating-a', { recipe: 'gating_sweep', metrics: { trained: { recon: { psnr: 9 } }, epoch_1: { recon: { psnr: 16 } } } }),
  run('gating-b', { recipe: 'gating_sweep', status: 'failed', duration: 5, metrics: { trained: { recon: { psnr: 10 } } } }),
  run('judge-c', { recipe: 'judge_cnn', duration: 20.5, metrics: { judge: { digit: { accuracy: 0.96 } } }, tags: ['judge'] }),
  run('plain-d', { recipe: 'conv_ae', status: 'cancelled', duration: 120, metrics: {} }),
];
const ids = (q) => {
  const { runs, error } = filterRuns(q, RUNS);
  if (error) throw error;
  return runs.map((r) => r.run_id);
};
const errorOf = (q) => {
  const { runs, error } = filterRuns(q, RUNS);
  assert.ok(error instanceof QueryError, `'${q}' should not parse`);
  assert.equal(runs.length, RUNS.length, 'a bad query leaves the list unfiltered');
  return error.message;
};

test('an empty query keeps every run', () => {
  assert.equal(parseQuery('   '), null);
  assert.deepEqual(ids(''), RUNS.map((r) => r.run_id));
  assert.equal(filterRuns('', RUNS).active, false);
});

test('fields: text equality is case-insensitive, ~ is a substring, != and !~ negate', () => {
  assert.deepEqual(ids('status=COMPLETED'), ['gating-a', 'judge-c']);
  assert.deepEqual(ids('recipe~GATING'), ['gating-a', 'gating-b']);
  assert.deepEqual(ids('status!=completed'), ['gating-b', 'plain-d']);
  assert.deepEqual(ids('recipe!~gating'), ['judge-c', 'plain-d']);
  assert.deepEqual(ids('id=judge-c'), ['judge-c']);
  assert.deepEqual(ids('run~plain'), ['plain-d'], 'run is an alias of id');
  assert.deepEqual(ids('node=judge'), ['judge-c'], 'node matches any checkpoint tag');
  assert.deepEqual(ids('nodes=1'), ['judge-c']);
  assert.deepEqual(ids('phase=train'), RUNS.map((r) => r.run_id), 'phase: the current one, else the last completed');
});

test('bare words match the run id or recipe name; quoted values keep their spaces', () => {
  assert.deepEqual(ids('judge'), ['judge-c']);
  assert.deepEqual(ids('CONV'), ['plain-d']);
  assert.deepEqual(ids('"gating_sweep"'), ['gating-a', 'gating-b']);
  const spaced = [...RUNS, run('x', { recipe: 'two words' })];
  assert.deepEqual(filterRuns('recipe="two words"', spaced).runs.map((r) => r.run_id), ['x']);
  assert.deepEqual(filterRuns('"o w"', spaced).runs.map((r) => r.run_id), ['x']);
  assert.deepEqual(ids('"or"'), [], 'a quoted or is a word, not the operator');
});

test('numbers compare as numbers, not as text', () => {
  assert.deepEqual(ids('duration>9'), ['gating-a', 'judge-c', 'plain-d'], '"60" < "9" as text, 60 > 9 as numbers');
  assert.deepEqual(ids('duration<=20.5'), ['gating-b', 'judge-c']);
  assert.deepEqual(ids('duration=60'), ['gating-a']);
  assert.deepEqual(ids('duration!=60'), ['gating-b', 'judge-c', 'plain-d']);
  assert.deepEqual(ids('duration>=1e2'), ['plain-d']);
});

test('ranges a..b are inclusive at both ends', () => {
  assert.deepEqual(ids('duration=5..60'), ['gating-a', 'gating-b', 'judge-c']);
  assert.deepEqual(ids('duration=20.5..20.5'), ['judge-c']);
  assert.deepEqual(ids('duration!=5..60'), ['plain-d']);
  assert.deepEqual(ids('digit.accuracy=0.9..1'), ['judge-c']);
  assert.deepEqual(ids('duration=-1..4'), []);
});

test('a metric term holds when ANY node of the run satisfies it', () => {
  // gating-a: trained psnr 9, epoch_1 psnr 16; gating-b: 10.
  assert.deepEqual(ids('recon.psnr>15'), ['gating-a'], 'epoch_1 satisfies it although trained does not');
  assert.deepEqual(ids('recon.psnr<10'), ['gating-a'], 'and trained satisfies the opposite');
  assert.deepEqual(ids('recon.psnr=9..10'), ['gating-a', 'gating-b']);
  assert.deepEqual(ids('recon.psnr!=10'), ['gating-a', 'judge-c', 'plain-d'], '!= is "no node has it equal", so runs without the metric pass');
  assert.deepEqual(ids('trained.recon.psnr>15'), [], 'node.task.metric looks at that node only');
  assert.deepEqual(ids('epoch_1.recon.psnr>15'), ['gating-a']);
  assert.deepEqual(ids('recon.nosuch>0'), [], 'a metric no run has matches nothing');
});

test('task names with dots: a.b.c is task a.b on any node, or task b on node a', () => {
  const dotted = [
    run('d1', { metrics: { trained: { 'disentanglement.shapes': { mig: 0.3 } }, epoch_1: { 'disentanglement.shapes': { mig: 0.01 } } } }),
    run('d2', { metrics: { trained: { 'disentanglement.shapes': { mig: 0.02 } } } }),
  ];
  const keep = (q) => filterRuns(q, dotted).runs.map((r) => r.run_id);
  assert.deepEqual(keep('disentanglement.shapes.mig>0.1'), ['d1']);
  assert.deepEqual(keep('epoch_1.disentanglement.shapes.mig<0.1'), ['d1']);
  assert.deepEqual(keep('trained.disentanglement.shapes.mig<0.1'), ['d2']);
});

test('and binds tighter than or; parentheses regroup', () => {
  assert.deepEqual(ids('status=completed recipe~gating or digit.accuracy>=0.9'), ['gating-a', 'judge-c']);
  assert.deepEqual(ids('status=completed and recipe~gating or status=cancelled'), ['gating-a', 'plain-d']);
  assert.deepEqual(ids('recipe~gating or recipe~judge status=failed'), ['gating-a', 'gating-b'], 'a or (b and c)');
  assert.deepEqual(ids('(recipe~gating or recipe~judge) status=failed'), ['gating-b']);
  assert.deepEqual(ids('((judge))'), ['judge-c']);
  assert.deepEqual(ids('status=completed OR status=failed AND duration<10'), ['gating-a', 'gating-b', 'judge-c'], 'keywords in any case');
});

test('an unreadable run (no summary) has status unreadable and no metrics', () => {
  const broken = { run_id: 'broken', summary: null, error: 'summary.json is missing', recipe: null, updated: '' };
  const tree = parseQuery('status=unreadable');
  assert.equal(matchRun(tree, broken), true);
  assert.equal(matchRun(parseQuery('recon.psnr>0'), broken), false);
  assert.equal(matchRun(parseQuery('duration<1'), broken), false);
});

test('errors name the problem and its 1-based position', () => {
  assert.equal(errorOf('status==completed'), "unknown operator '==' (use = != ~ !~ > >= < <=) at position 7");
  assert.equal(errorOf('recon.psnr=>3'), "unknown operator '=>' (use = != ~ !~ > >= < <=) at position 11");
  assert.equal(errorOf('recipe="gating'), 'unbalanced quote: this " is never closed at position 8');
  assert.equal(errorOf('judge "x'), 'unbalanced quote: this " is never closed at position 7');
  assert.equal(errorOf('(judge or x'), "unbalanced parenthesis: this '(' is never closed at position 1");
  assert.equal(errorOf('judge)'), "unbalanced parenthesis: this ')' has no '(' at position 6");
  assert.equal(errorOf('a ()'), 'empty parentheses at position 3');
  assert.equal(errorOf('recon.psnr>abc'), "'recon.psnr>' needs a number, not 'abc' at position 12");
  assert.equal(errorOf('duration=5..x'), "range '5..x' needs a number on both sides of '..' at position 10");
  assert.equal(errorOf('status>3'), "'>' compares numbers, and 'status' is text at position 7");
  assert.equal(errorOf('duration~3'), "'~' matches text, and 'duration' is a number at position 9");
  assert.equal(errorOf('recipe=1..2'), "a range needs a numeric field, and 'recipe' is text at position 1");
  assert.equal(errorOf('colour=red'), "unknown field 'colour' (fields: status, recipe, id, phase, started, reason, node, duration, nodes, or a metric as task.metric) at position 1");
  assert.equal(errorOf('recon..psnr>1'), "metric 'recon..psnr' should be task.metric or node.task.metric at position 1");
  assert.equal(errorOf('status='), "'status=' needs a value after it at position 8");
  assert.equal(errorOf('>3'), "'>' needs a field name before it at position 1");
  assert.equal(errorOf('or judge'), "'or' needs a term before it at position 1");
  assert.equal(errorOf('judge or'), "the query ends where a term after 'or' was expected at position 9");
  assert.equal(errorOf('judge and or x'), "'and' needs a term after it at position 7");
});
