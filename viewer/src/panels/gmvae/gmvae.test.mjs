// Behaviour checks of how the GM-VAE panels find their files and build their series
// (mixture_files.js), without a browser.
// Run: node --test viewer/src/panels/gmvae/gmvae.test.mjs   (CTest: viewer_gmvae_unit)
//
// How to add a case: announce files with `file(...)` (they become artifact-log entries), then
// check the lookup or series function.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createArtifactLog, foldArtifactEvents } from '../../data/artifact_log.js';
import { mixtureHealthFiles, epochFilesByLabel, mixtureSeries, usageBars, qcSeries, priorComponentFiles, posteriorLocalFiles, versionKey, clusterFiles, baselineRows } from './mixture_files.js';

const file = (kind, tag, name, version, format = 'json') => {
  const [, what, n] = /^(epoch|step)_(\d+)$/.exec(version);
  return { type: 'artifact.created', payload: { kind, name, node: null, tag, step: what === 'epoch' ? 100 * Number(n) : Number(n), format,
    path: `${kind}/${tag}/${name}_${version}.${format}`, latest: `${kind}/${tag}/${name}_latest.${format}`, ...(what === 'epoch' ? { epoch: Number(n) } : {}) } };
};
const listOf = (...events) => { const log = createArtifactLog(); foldArtifactEvents(log, events.flat()); return log.list; };

test('mixture-health epoch files group by branch label, in epoch order; evaluations are not epochs', () => {
  const list = listOf(file('mixture', 'k4', 'mixture_health', 'epoch_2'), file('mixture', 'k4', 'mixture_health', 'epoch_1'),
    file('mixture', 'k8', 'mixture_health', 'epoch_1'), file('mixture', 'k4', 'mixture_health', 'step_250'),
    file('samples', 'k4', 'prior_component_c_0_m_8', 'epoch_1', 'png'));
  const files = mixtureHealthFiles(list);
  assert.equal(files.length, 4, 'only mixture_health JSON');
  const byLabel = epochFilesByLabel(files);
  assert.deepEqual([...byLabel.keys()], ['k4', 'k8']);
  assert.deepEqual(byLabel.get('k4').map((x) => x.epoch), [1, 2], 'the step_250 evaluation is not an epoch point');
  assert.equal(versionKey(files.find((f) => f.path.includes('step_250'))), 'step_250');
});

test('mixture series: one per branch, x = epoch, named like the loss charts, nulls for missing fields', () => {
  const records = [{ label: 'k4', epoch: 2, data: { neff: 3.5, pmax: 0.4 } }, { label: 'k4', epoch: 1, data: { neff: 2.1, pmax: 0.6 } },
    { label: 'k8', epoch: 1, data: { neff: 7.9 } }];
  assert.deepEqual(mixtureSeries(records, 'neff'), [{ label: 'from k4', steps: [1, 2], values: [2.1, 3.5] }, { label: 'from k8', steps: [1], values: [7.9] }]);
  assert.deepEqual(mixtureSeries(records, 'pmax').map((s) => s.label), ['from k4'], 'a branch without the field draws no series');
});

test('usage bars: one per component with p and argmax count; a wrong length is named', () => {
  const good = { components: 3, p: [0.5, 0.3, 0.2], argmax_counts: [60, 30, 10] };
  assert.deepEqual(usageBars(good), [{ component: 0, p: 0.5, count: 60 }, { component: 1, p: 0.3, count: 30 }, { component: 2, p: 0.2, count: 10 }]);
  assert.match(usageBars({ components: 4, p: [0.5, 0.5] }), /p has 2 entries for 4 components/);
  assert.match(usageBars({ components: 2, p: [0.5, 0.5], argmax_counts: [1] }), /argmax_counts has 1 entries/);
});

test('q(c|x) series from train.metrics: per branch, only the fields present', () => {
  const m = (step, from, fields) => ({ type: 'train.metrics', payload: { step, from, loss: 1, ...fields } });
  const events = [m(10, 'a', { qc_neff: 3, qc_pmax: 0.5, qc_argmax_counts: [1, 2] }), m(10, 'b', { qc_neff: 4 }), m(20, 'a', { qc_neff: 3.2, qc_pmax: 0.45 }),
    { type: 'train.metrics', payload: { step: 5, loss: 2 } }];
  const { keys, series } = qcSeries(events);
  assert.deepEqual(keys, ['qc_neff', 'qc_pmax']);
  assert.deepEqual(series.get('qc_neff'), [{ label: 'from a', steps: [10, 20], values: [3, 3.2] }, { label: 'from b', steps: [10], values: [4] }]);
  assert.deepEqual(series.get('qc_pmax').map((s) => s.label), ['from a']);
  assert.deepEqual(qcSeries([{ type: 'train.metrics', payload: { step: 1, loss: 1 } }]).keys, [], 'a plain run has none');
});

test('prior-component grids of one label and version, by component, PNG with its JSON', () => {
  const list = listOf([2, 0, 1].flatMap((c) => [file('samples', 'k4', `prior_component_c_${c}_m_8`, 'epoch_3', 'png'), file('samples', 'k4', `prior_component_c_${c}_m_8`, 'epoch_3')]),
    file('samples', 'k4', 'prior_component_c_0_m_8', 'epoch_2', 'png'), file('samples', 'k8', 'prior_component_c_0_m_8', 'epoch_3', 'png'));
  const grids = priorComponentFiles(list, 'k4', 'epoch_3');
  assert.deepEqual(grids.map((g) => g.component), [0, 1, 2]);
  assert.equal(grids[0].png.path, 'samples/k4/prior_component_c_0_m_8_epoch_3.png');
  assert.equal(grids[0].json.path, 'samples/k4/prior_component_c_0_m_8_epoch_3.json');
  assert.equal(grids[0].m, 8);
  assert.deepEqual(priorComponentFiles(list, 'k4', 'epoch_9'), []);
});

test('posterior-local samples: the newest file of that test row under the label', () => {
  const list = listOf(file('samples', 'k4', 'posterior_local_idx_0_m_16', 'epoch_1', 'png'), file('samples', 'k4', 'posterior_local_idx_0_m_16', 'epoch_1'),
    file('samples', 'k4', 'posterior_local_idx_0_m_16', 'epoch_2', 'png'), file('samples', 'k4', 'posterior_local_idx_0_m_16', 'epoch_2'),
    file('samples', 'k4', 'posterior_local_idx_12_m_4', 'step_300', 'png'), file('samples', 'k4', 'posterior_local_idx_12_m_4', 'step_300'));
  const k4 = { id: 'n-k4', tag: 'k4' };
  const p0 = posteriorLocalFiles(list, k4, 0);
  assert.equal(p0.png.path, 'samples/k4/posterior_local_idx_0_m_16_epoch_2.png');
  assert.equal(p0.json.path, 'samples/k4/posterior_local_idx_0_m_16_epoch_2.json', 'the JSON of the same version');
  assert.equal(posteriorLocalFiles(list, k4, 12).m, 4);
  assert.equal(posteriorLocalFiles(list, k4, 1), null, 'row 1 has none: the panel shows the command');
  assert.equal(posteriorLocalFiles(list, { id: 'n-k8', tag: 'k8' }, 0), null, 'another node');
});

test('posterior-local samples of a train op\'s epoch end belong to the epoch node they name', () => {
  const epochFile = (format) => ({ type: 'artifact.created', payload: { kind: 'samples', name: 'posterior_local_idx_0_m_16', tag: 'init', node: 'id-e3', step: 300, epoch: 3, format,
    path: `samples/init/posterior_local_idx_0_m_16_epoch_3.${format}`, latest: `samples/init/posterior_local_idx_0_m_16_latest.${format}` } });
  const list = listOf(epochFile('png'), epochFile('json'));
  assert.equal(posteriorLocalFiles(list, { id: 'id-e3', tag: 'init_epoch_3' }, 0).png.epoch, 3, 'labelled with the branch, named by node');
  assert.equal(posteriorLocalFiles(list, { id: 'id-e2', tag: 'init_epoch_2' }, 0), null, 'another epoch node');
});

test('clustering scores chart from the nested clustering object of mixture health', () => {
  const records = [{ label: 'init', epoch: 1, data: { clustering: { accuracy: 0.3 } } }, { label: 'init', epoch: 2, data: { clustering: { accuracy: 0.6 } } },
    { label: 'old', epoch: 1, data: { neff: 2 } }];
  assert.deepEqual(mixtureSeries(records, 'clustering.accuracy'), [{ label: 'from init', steps: [1, 2], values: [0.3, 0.6] }], 'files before the scores draw nothing');
});

test('cluster files: the newest confusion JSON with the PNG of its version, and the newest baselines', () => {
  const list = listOf(file('clusters', 'e5', 'cluster_confusion', 'step_300'), file('clusters', 'e5', 'cluster_confusion', 'step_300', 'png'),
    file('clusters', 'e10', 'cluster_confusion', 'step_630'), file('clusters', 'e10', 'cluster_confusion', 'step_630', 'png'),
    file('clusters', 'e10', 'cluster_baselines', 'step_630'));
  const f = clusterFiles(list);
  assert.equal(f.confusion.path, 'clusters/e10/cluster_confusion_step_630.json');
  assert.equal(f.confusionPng.path, 'clusters/e10/cluster_confusion_step_630.png');
  assert.equal(f.baselines.path, 'clusters/e10/cluster_baselines_step_630.json');
  assert.deepEqual(clusterFiles(listOf(file('mixture', 'e1', 'mixture_health', 'epoch_1'))), { confusion: null, confusionPng: null, baselines: null });
});

test('baseline rows: one per method with its scores; a malformed row is named', () => {
  const rows = baselineRows({ rows: [{ method: 'gmvae', space: 'argmax q(c|x)', accuracy: 0.8, purity: 0.82, nmi: 0.7, clusters_used: 10, n: 2004 },
    { method: 'kmeans_pixels', accuracy: 0.53, purity: 0.57, nmi: 0.48 }] });
  assert.deepEqual(rows.map((r) => [r.method, r.accuracy, r.clusters_used]), [['gmvae', 0.8, 10], ['kmeans_pixels', 0.53, null]]);
  assert.match(baselineRows({ rows: [{ method: 'kmeans_pixels', accuracy: 0.5 }] }), /kmeans_pixels.*lacks/);
  assert.match(baselineRows({}), /no rows/);
});
