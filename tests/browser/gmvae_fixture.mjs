// Hand-made GM-VAE and network-inspection files (docs/run-format.md, "Artifacts", issue #9)
// added to a finished fixture run, for checking the viewer's GM-VAE section and Network view
// when the acc under test cannot make them itself (no gmvae model or no `acc inspect`): each file
// has the documented shape and is announced by artifact.created as acc announces it, so `acc
// viewer` mirrors the JSON. The numbers are made up; the browser test reads its expectations
// back from the files (gmvae_expect.mjs), as it does for real runs.

import fs from 'node:fs';
import path from 'node:path';
import { encodePng } from './png_writer.mjs';
import { nodeMetasByTag, readEvents, rewriteMirror } from './fixture_runs.mjs';

const K = 3;
const EPOCHS = [1, 2];
const STEPS_PER_EPOCH = 10;

// Adds the GM-VAE files (mixture health and prior grids at two epochs, posterior samples of the
// first projection row, q(c|x) fields on train.metrics) under label `tag`, a node of the run.
export async function addGmvaeFixture(runDir, tag) {
  await addFiles(runDir, tag, writeGmvaeFiles);
}

// Adds the files of `acc inspect RUN/TAG --index 3 --layer encoder.conv1 --channel 1 --xy 4,5
// --conv-step --perturb 1:2 --topk 4` for node `tag`.
export async function addNetworkFixture(runDir, tag) {
  await addFiles(runDir, tag, writeNetworkFiles);
}

// Calls `write` with helpers that write a file and announce it (json, png), appends the
// announcements to the log, applies `write`'s edit of the existing events (if it returns one)
// and rewrites the mirror.
async function addFiles(runDir, tag, write) {
  const node = nodeMetasByTag(runDir)[tag];
  if (!node) throw new Error(`gmvae fixture: the run has no node tagged ${tag}`);
  const events = readEvents(runDir);
  const out = [];
  const announce = (kind, name, version, format, extra = {}) => {
    const rel = `${kind}/${tag}/${name}_${version}.${format}`;
    const epoch = /^epoch_(\d+)$/.exec(version);
    out.push({ time: new Date().toISOString(), type: 'artifact.created', payload: { kind, name, node: node.id, tag, step: epoch ? STEPS_PER_EPOCH * Number(epoch[1]) : node.step,
      path: rel, latest: `${kind}/${tag}/${name}_latest.${format}`, format, ...(epoch ? { epoch: Number(epoch[1]) } : {}), ...extra } });
    fs.mkdirSync(path.dirname(path.join(runDir, rel)), { recursive: true });
    return rel;
  };
  const json = (kind, name, version, data) => { const rel = announce(kind, name, version, 'json'); fs.writeFileSync(path.join(runDir, rel), JSON.stringify(data)); return rel; };
  const png = (kind, name, version, w, h, pixel) => { const rel = announce(kind, name, version, 'png'); fs.writeFileSync(path.join(runDir, rel), encodePng(w, h, pixel)); return rel; };
  const edit = write({ runDir, tag, node, json, png }) || ((e) => e);
  const all = [...events.map(edit), ...out].map((e, i) => ({ ...e, seq: i + 1 }));
  fs.writeFileSync(path.join(runDir, 'events.jsonl'), all.map((e) => JSON.stringify(e)).join('\n') + '\n');
  await rewriteMirror(runDir);
}

const grey = (seed) => (x, y) => { const v = (x * 37 + y * 11 + seed * 53) % 256; return [v, v, v]; };

// Returns an edit of the run's events: train.metrics get the q(c|x) fields.
function writeGmvaeFiles({ runDir, tag, json, png }) {
  // GM-VAE: mixture health and prior-component grids at each epoch end.
  for (const epoch of EPOCHS) {
    const v = `epoch_${epoch}`;
    const p = [0.5, 0.3, 0.2].map((x, c) => (c === 0 ? x - 0.05 * epoch : c === 1 ? x + 0.05 * epoch : x));
    const entropy = -p.reduce((s, x) => s + x * Math.log(x), 0);
    json('mixture', 'mixture_health', v, { format: 'acc.mixture', version: 1, type: 'mixture_health', epoch, step: STEPS_PER_EPOCH * epoch, components: K, n: 100,
      dataset: 'shapes', split: 'test', sample_key: 'test_first_100', sample_indices_ref: { dataset: 'shapes', split: 'test', start: 0, count: 100 },
      p, psum: 1, entropy, neff: Math.exp(entropy), pmax: Math.max(...p), top: p.map((x, c) => ({ component: c, p: x })).sort((a, b) => b.p - a.p),
      argmax_counts: p.map((x) => Math.round(100 * x)), argmax_neff: Math.exp(entropy) - 0.1, qc_entropy_mean: 0.4 / epoch });
    for (let c = 0; c < K; c++) {
      const image = png('samples', `prior_component_c_${c}_m_4`, v, 18, 18, grey(c + epoch));
      json('samples', `prior_component_c_${c}_m_4`, v, { format: 'acc.samples', version: 1, kind: 'prior_component', component: c, m: 4, seed: 100 + c, compute_ms: 1.5, epoch, step: STEPS_PER_EPOCH * epoch, columns: 2, image });
    }
  }
  // Posterior-local samples of the first projection row's test row (what the explorer's point 0 is).
  const projection = JSON.parse(fs.readFileSync(path.join(runDir, 'projections', tag, 'latent_2d_pca_latest.json'), 'utf8'));
  const row0 = projection.index[0];
  const postImage = png('samples', `posterior_local_idx_${row0}_m_4`, `epoch_${EPOCHS.at(-1)}`, 18, 18, grey(9));
  json('samples', `posterior_local_idx_${row0}_m_4`, `epoch_${EPOCHS.at(-1)}`, { format: 'acc.samples', version: 1, kind: 'posterior_local', index: row0, dataset: 'shapes', m: 4, seed: 5, compute_ms: 2, image: postImage, step: STEPS_PER_EPOCH * EPOCHS.at(-1) });
  return (e) => (e.type === 'train.metrics' ? { ...e, payload: { ...e.payload, qc_neff: 2 + e.payload.step / 100, qc_pmax: 0.5, qc_entropy_mean: 0.3, cat_kl_weight: Math.min(1, e.payload.step / 10), qc_argmax_counts: [3, 2, 1] } } : e);
}

function writeNetworkFiles({ node, json, png }) {

  const v = `step_${node.step}`;
  const net = (name, data) => json('network', name, v, { format: 'acc.network', version: 1, ...data });
  const netPng = (name, w, h, pixel) => png('network', name, v, w, h, pixel);
  const f = 'forward/idx_3';
  netPng(`${f}/input`, 32, 32, grey(1));
  netPng(`${f}/recon`, 32, 32, grey(2));
  const grid = netPng(`${f}/layer_encoder.conv1/grid`, 35, 35, grey(3));
  const vector = netPng(`${f}/layer_z/vector`, 55, 10, (x) => [x * 4, 128, 255 - x * 4]);
  const layers = [{ id: 'encoder.conv1', kind: 'spatial', shape: [4, 16, 16], min: 0, max: 2.5, mean: 0.4, grid },
    { id: 'z', kind: 'vector', shape: [6], min: -1.2, max: 0.9, mean: 0.1, vector }];
  net(`${f}/layers`, { type: 'layers', index: 3, layers });
  for (const l of layers) net(`${f}/layer_${l.id}/summary`, { type: 'layer_summary', ...l });
  net(`${f}/latent`, { type: 'latent', index: 3, z: [0.1, -1.2, 0.5, 0.9, 0, 0.3], mu: [0.1, -1.2, 0.5, 0.9, 0, 0.3], logvar: [-2, -2, -1.5, -2, -3, -2], qc_probs: [0.7, 0.2, 0.1] });
  net(`${f}/forward_meta`, { type: 'forward_meta', index: 3, dataset: 'shapes', split: 'test', mode: 'eval (latent = mean)' });
  const ins = 'inspect/idx_3/layer_encoder.conv1/ch_1';
  netPng(`${ins}/channel`, 16, 16, grey(4));
  netPng(`${ins}/heat_rgba`, 32, 32, (x, y) => [255, (x * 8) % 256, 0]);
  netPng(`${ins}/overlay`, 32, 32, grey(5));
  net(`${ins}/inspect`, { type: 'inspect', layer: 'encoder.conv1', channel: 1, shape: [16, 16], min: 0, max: 2.5, mean: 0.4, argmax_xy: [7, 8], xy: { x: 4, y: 5, value: 1.25 }, rf: { status: 'ok', x0: 7, y0: 9, x1: 9, y1: 11 } });
  const patch = [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6], [0.7, 0.8, 0.9]];
  const kernel = [[1, 0, -1], [0.5, 0.5, 0.5], [-1, 0, 1]];
  const product = patch.map((r, i) => r.map((x, j) => x * kernel[i][j]));
  const sum = product.flat().reduce((a, b) => a + b, 0);
  net(`conv_step/idx_3/layer_encoder.conv1/out_1/x_4_y_5/conv_step`, { type: 'conv_step', index: 3, layer: 'encoder.conv1', out_channel: 1, x: 4, y: 5, input_origin: [7, 9],
    patch, patch_padding: [[false, false, false], [false, false, false], [false, false, false]], kernel, product, pre_bias_sum: sum, bias: 0.1, pre_activation: sum + 0.1,
    activation: { name: 'relu', value: Math.max(0, sum + 0.1) }, computed: Math.max(0, sum + 0.1), captured: Math.max(0, sum + 0.1), abs_diff: 0, match: true });
  const k = 'kernels/layer_encoder.conv1/out_1';
  const kernelImage = netPng(`${k}/kernel`, 48, 48, (x, y) => [x * 5, y * 5, 128]);
  net(`${k}/kernel`, { type: 'kernel', layer: 'encoder.conv1', out_channel: 1, in_channels: 1, conv: 'conv2d', shape: [3, 3], bias: 0.1, image: kernelImage, kernel });
  for (const delta of [-2, 2]) {
    const d = `perturb/idx_3/vector_z/dim_1/delta_${delta < 0 ? 'm' : 'p'}2`;
    const recon = netPng(`${d}/recon`, 32, 32, grey(6 + delta));
    net(`${d}/meta`, { type: 'perturb', index: 3, vector: 'z', dim: 1, delta, base_value: -1.2, new_value: -1.2 + delta, recon });
  }
  const t = 'topk/layer_encoder.conv1/ch_1/metric_max/subset_50/k_4';
  const items = [12, 3, 40, 7].map((index, r) => ({ index, score: 3 - r * 0.5, xy: [r, r + 1], image: netPng(`${t}/input_${index}`, 32, 32, grey(index)) }));
  net(`${t}/topk`, { type: 'topk', layer: 'encoder.conv1', channel: 1, metric: 'max', subset_n: 50, k: 4, items });
}
