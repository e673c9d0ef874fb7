// Behaviour checks of how the Network view finds `acc inspect`'s files (network_files.js) and
// draws its 3x3 tables (value_table.js's pure parts), without a browser.
// Run: node --test viewer/src/panels/network/network.test.mjs   (CTest: viewer_network_unit)
//
// How to add a case: announce files with `net(tag, name, format)` under the names acc writes
// (relative to network/<label>/), then check the lookup.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createArtifactLog, foldArtifactEvents } from '../../data/artifact_log.js';
import { networkIndex, netDirs, netFile, childValues, childDirs, convStepPositions, topkScans, channelCount, spatialSize, receptiveField, parseXy } from './network_files.js';
import { asRows, diverging } from './value_table.js';

const net = (tag, name, format = 'json', step = 30) => ({ type: 'artifact.created', payload: { kind: 'network', tag, name, format, step, node: 'n1',
  path: `network/${tag}/${name}_step_${step}.${format}`, latest: `network/${tag}/${name}_latest.${format}` } });
const indexOf = (...events) => { const log = createArtifactLog(); foldArtifactEvents(log, events.flat()); return networkIndex(log.list); };

function inspected() {
  return indexOf(
    ['input', 'recon'].map((n) => net('trained', `forward/idx_3/${n}`, 'png')),
    net('trained', 'forward/idx_3/layers'), net('trained', 'forward/idx_3/latent'),
    net('trained', 'forward/idx_3/layer_enc.conv1/summary'), net('trained', 'forward/idx_3/layer_enc.conv1/grid', 'png'),
    net('trained', 'forward/idx_0/layers'),
    net('trained', 'inspect/idx_3/layer_enc.conv1/ch_2/inspect'), net('trained', 'inspect/idx_3/layer_enc.conv1/ch_2/overlay', 'png'),
    net('trained', 'conv_step/idx_3/layer_enc.conv1/out_2/x_4_y_5/conv_step'), net('trained', 'conv_step/idx_3/layer_enc.conv1/out_2/x_0_y_1/conv_step'),
    net('trained', 'kernels/layer_enc.conv1/out_2/kernel'), net('trained', 'kernels/layer_enc.conv1/out_2/kernel', 'png'),
    net('trained', 'perturb/idx_3/vector_z/dim_1/delta_p2/recon', 'png'), net('trained', 'perturb/idx_3/vector_z/dim_1/delta_m2/meta'),
    net('trained', 'topk/layer_enc.conv1/ch_2/metric_max/subset_100/k_4/topk'), net('trained', 'topk/layer_enc.conv1/ch_2/metric_mean/subset_100/k_4/topk', 'json', 40),
    net('trained', 'topk/layer_enc.conv1/ch_2/metric_max/subset_100/k_4/input_17', 'png'),
    net('other', 'forward/idx_9/layers'));
}

test('files are indexed by label and directory; the newest version of a leaf wins', () => {
  const index = inspected();
  assert.deepEqual([...index.keys()], ['trained', 'other']);
  const dirs = index.get('trained');
  assert.equal(netFile(dirs, netDirs.forward(3), 'layers.json').path, 'network/trained/forward/idx_3/layers_step_30.json');
  assert.equal(netFile(dirs, netDirs.layer(3, 'enc.conv1'), 'grid.png').format, 'png');
  assert.equal(netFile(dirs, netDirs.inspect(3, 'enc.conv1', 2), 'overlay.png').name, 'inspect/idx_3/layer_enc.conv1/ch_2/overlay');
  assert.equal(netFile(dirs, netDirs.inspect(3, 'enc.conv1', 5), 'inspect.json'), null, 'channel 5 was not inspected');
  const again = indexOf(net('t', 'forward/idx_0/layers', 'json', 10), net('t', 'forward/idx_0/layers', 'json', 50), net('t', 'forward/idx_0/layers', 'json', 20));
  assert.match(netFile(again.get('t'), 'forward/idx_0', 'layers.json').path, /_step_50\.json$/);
});

test('which examples, vectors, dims and probe positions exist', () => {
  const dirs = inspected().get('trained');
  assert.deepEqual(childValues(dirs, 'forward', 'idx'), [0, 3], 'numeric, sorted');
  assert.deepEqual(childValues(dirs, 'inspect/idx_3', 'layer'), ['enc.conv1'], 'a layer id with a dot stays whole');
  assert.deepEqual(childValues(dirs, 'perturb/idx_3', 'vector'), ['z']);
  assert.deepEqual(childDirs(dirs, netDirs.perturbDim(3, 'z', 1)).sort(), ['delta_m2', 'delta_p2']);
  assert.deepEqual(convStepPositions(dirs, 3, 'enc.conv1', 2).sort(), [[0, 1], [4, 5]]);
  assert.deepEqual(convStepPositions(dirs, 3, 'enc.conv1', 0), []);
});

test('top-k scans of a channel, newest first, with their metric, subset and k', () => {
  const scans = topkScans(inspected().get('trained'), 'enc.conv1', 2);
  assert.deepEqual(scans.map((s) => [s.metric, s.subset, s.k]), [['mean', 100, 4], ['max', 100, 4]]);
  assert.equal(scans[1].dir, 'topk/layer_enc.conv1/ch_2/metric_max/subset_100/k_4');
  assert.deepEqual(topkScans(inspected().get('trained'), 'enc.conv1', 3), []);
});

test('layer shapes: channels and spatial size, with or without a batch axis', () => {
  assert.equal(channelCount({ kind: 'spatial', shape: [1, 8, 14, 14] }), 8);
  assert.deepEqual(spatialSize({ kind: 'spatial', shape: [8, 14, 12] }), [12, 14], '[width, height]');
  assert.equal(channelCount({ kind: 'vector', shape: [1, 10] }), 10);
  assert.equal(spatialSize({ kind: 'vector', shape: [10] }), null);
});

test('receptive field: the box, or the reason it is unavailable', () => {
  assert.deepEqual(receptiveField({ rf: { status: 'ok', x0: 1, y0: 2, x1: 5, y1: 6 } }), { x0: 1, y0: 2, x1: 5, y1: 6 });
  assert.deepEqual(receptiveField({ rf: { status: 'unavailable', reason: 'a linear layer sees the whole input' } }), { reason: 'a linear layer sees the whole input' });
  assert.match(receptiveField({}).reason, /no receptive field/);
});

test('probe positions from the URL and 3x3 tables', () => {
  assert.deepEqual(parseXy('4,5'), [4, 5]);
  assert.deepEqual(parseXy(' 4 , 5 '), [4, 5]);
  assert.equal(parseXy('4'), null);
  assert.equal(parseXy('-1,2'), null);
  assert.deepEqual(asRows([1, 2, 3, 4, 5, 6, 7, 8, 9]), [[1, 2, 3], [4, 5, 6], [7, 8, 9]], 'a flat list is read 3 wide');
  assert.deepEqual(asRows([[1, 2, 3]]), [[1, 2, 3]]);
  assert.match(diverging(1, 1), /^rgba\(178, 24, 43, 0\.75\)$/, 'positive: red');
  assert.match(diverging(-0.5, 1), /^rgba\(33, 102, 172, 0\.375\)$/, 'negative: blue, by magnitude');
});

test('epoch-end captures (labelled with the branch) group under the epoch node they name', () => {
  const epochNet = (name, node, epoch, format = 'json') => ({ type: 'artifact.created', payload: { kind: 'network', tag: 'init', name, format, node, step: 100 * epoch, epoch,
    path: `network/init/${name}_epoch_${epoch}.${format}`, latest: `network/init/${name}_latest.${format}` } });
  const tags = { 'id-e1': 'init_epoch_1', 'id-e2': 'init_epoch_2' };
  const log = createArtifactLog();
  foldArtifactEvents(log, [epochNet('forward/idx_0/layers', 'id-e1', 1), epochNet('forward/idx_0/layers', 'id-e2', 2),
    net('init_epoch_2', 'inspect/idx_0/layer_c1/ch_0/inspect', 'json', 200)]);
  const index = networkIndex(log.list, (a) => tags[a.node] ?? a.tag);
  assert.deepEqual([...index.keys()].sort(), ['init_epoch_1', 'init_epoch_2']);
  const e2 = index.get('init_epoch_2');
  assert.match(netFile(e2, 'forward/idx_0', 'layers.json').path, /_epoch_2\.json$/);
  assert.ok(netFile(e2, 'inspect/idx_0/layer_c1/ch_0', 'inspect.json'), 'acc inspect of that node joins its epoch capture');
});
