// Behaviour checks of the artifact log (artifact_log.js) and of the `acc inspect` request
// builder (inspect_request.js), without a browser.
// Run: node --test viewer/src/data/artifact_log.test.mjs   (CTest: viewer_artifacts_unit)
//
// How to add a case: build events with `created(...)`, fold them, and check the lookups.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createArtifactLog, foldArtifactEvents, findArtifacts, newestOf, versionOf, labelsOf, fileUrl } from './artifact_log.js';
import { inspectCommand, inspectBody, runsRootOf, evalArtifactsCommand } from './inspect_request.js';

const created = (kind, tag, name, version, format = 'json', extra = {}) => {
  const m = /^(epoch|step)_(\d+)$/.exec(version);
  return { type: 'artifact.created', payload: { kind, name, node: null, tag, step: m[1] === 'step' ? Number(m[2]) : 10 * Number(m[2]), path: `${kind}/${tag}/${name}_${version}.${format}`, latest: `${kind}/${tag}/${name}_latest.${format}`, format, ...(m[1] === 'epoch' ? { epoch: Number(m[2]) } : {}), ...extra } };
};

test('folding is incremental, skips debug files and keeps one entry per rewritten path', () => {
  const log = createArtifactLog();
  const events = [created('mixture', 'a', 'mixture_health', 'epoch_1'), { type: 'log', payload: {} },
    { type: 'artifact.created', payload: { kind: 'debug', name: 'batch', path: 'debug/x/batch.json', format: 'json' } }];
  assert.equal(foldArtifactEvents(log, events), true);
  assert.equal(log.list.length, 1);
  assert.equal(foldArtifactEvents(log, events), false, 'nothing new: no change');
  events.push(created('mixture', 'a', 'mixture_health', 'epoch_1')); // acc inspect run twice: same path
  events.push(created('mixture', 'a', 'mixture_health', 'epoch_2'));
  assert.equal(foldArtifactEvents(log, events), true);
  assert.deepEqual(log.list.map((a) => a.path), ['mixture/a/mixture_health_epoch_1.json', 'mixture/a/mixture_health_epoch_2.json']);
  assert.equal(log.list[0].seq, 3, 'the rewritten entry is the later announcement');
});

test('lookup by kind, label, name (string or pattern) and format; newest by step then epoch', () => {
  const log = createArtifactLog();
  foldArtifactEvents(log, [created('mixture', 'a', 'mixture_health', 'epoch_1'), created('mixture', 'b', 'mixture_health', 'epoch_1'),
    created('mixture', 'a', 'mixture_health', 'epoch_2'), created('samples', 'a', 'prior_component_c_0_m_8', 'epoch_2', 'png'),
    created('mixture', 'a', 'mixture_health', 'step_15')]);
  assert.equal(findArtifacts(log.list, { kind: 'mixture', label: 'a' }).length, 3);
  assert.equal(findArtifacts(log.list, { name: /^prior_component_c_\d+_m_\d+$/, format: 'png' }).length, 1);
  assert.deepEqual(labelsOf(log.list), ['a', 'b', 'a'].filter((x, i, s) => s.indexOf(x) === i));
  assert.equal(newestOf(findArtifacts(log.list, { kind: 'mixture', label: 'a' })).path, 'mixture/a/mixture_health_epoch_2.json', 'epoch 2 (step 20) is newer than the evaluation at step 15');
  assert.deepEqual(versionOf(log.list[0]), { epoch: 1 });
  assert.deepEqual(versionOf(log.list.at(-1)), { step: 15 });
});

test('file URLs encode each path segment', () => {
  assert.equal(fileUrl('file:///r/run%201/', 'network/a b/forward/idx_0/input_step_3.png'), 'file:///r/run%201/network/a%20b/forward/idx_0/input_step_3.png');
});

test('the inspect command and the served body ask for the same thing', () => {
  const spec = { runId: 'gmvae-20261122-101010-ab12', tag: 'trained', index: 7, layer: 'encoder.conv1', channel: 3, xy: [4, 5], convStep: true, perturb: [2, -1.5], topk: 8, topkMetric: 'mean', subset: 500 };
  assert.equal(inspectCommand(spec), 'acc inspect gmvae-20261122-101010-ab12/trained --index 7 --layer encoder.conv1 --channel 3 --xy 4,5 --conv-step --perturb 2:-1.5 --topk 8 --topk-metric mean --subset 500');
  assert.deepEqual(inspectBody(spec), { node: 'trained', index: 7, layer: 'encoder.conv1', channel: 3, xy: [4, 5], conv_step: true, perturb: [2, -1.5], topk: 8, topk_metric: 'mean', subset: 500 });
  assert.equal(inspectCommand({ runId: 'r', tag: 't', index: 0, posteriorSamples: 16 }, '/data/my runs'), "acc inspect r/t --index 0 --posterior-samples 16 --runs '/data/my runs'");
  assert.deepEqual(inspectBody({ runId: 'r', tag: 't', index: 0, channel: 0 }), { node: 't', index: 0, channel: 0 }, 'channel 0 is kept');
});

test('the acc eval command for a node\'s mixture files', () => {
  assert.equal(evalArtifactsCommand('r', 'k4_epoch_2', ['mixture_health', 'mixture_samples'], '/w/runs'), 'acc eval r/k4_epoch_2 --artifacts mixture_health mixture_samples --runs /w/runs');
});

test('the runs root is known on disk only', () => {
  assert.equal(runsRootOf('file:///work/runs/gmvae-1/'), '/work/runs');
  assert.equal(runsRootOf('file:///work/my%20runs/r/'), '/work/my runs');
  assert.equal(runsRootOf('http://127.0.0.1:8000/runs/r/'), null);
});
