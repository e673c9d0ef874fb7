// What the GM-VAE section and the Network view must show for a run, read from its events and
// files (so the browser test compares against what acc wrote, for real runs and the hand-made
// fixture alike): the mixture-health epochs per branch, K, the prior grids of the newest
// mixture file's version, the network capture's layers, a conv-step file and a top-k scan.

import fs from 'node:fs';
import path from 'node:path';
import { nodeMetasByTag, readEvents } from './fixture_runs.mjs';

const versionOf = (p) => /_((?:epoch|step)_\d+)\.[a-z]+$/.exec(p)?.[1];

export function gmvaeExpectations(runDir) {
  const created = readEvents(runDir).filter((e) => e.type === 'artifact.created').map((e) => e.payload);
  const read = (rel) => JSON.parse(fs.readFileSync(path.join(runDir, rel), 'utf8'));
  const mixture = created.filter((a) => a.kind === 'mixture' && a.name === 'mixture_health' && a.format === 'json');
  const epochsByLabel = {};
  for (const a of mixture) if (Number.isFinite(a.epoch)) (epochsByLabel[a.tag] ||= new Set()).add(a.epoch);
  // The section shows the newest file by default (step, then epoch, then log order).
  const newest = mixture.reduce((best, a) => (!best || a.step > best.step || (a.step === best.step && (a.epoch ?? -1) >= (best.epoch ?? -1)) ? a : best), null);
  const K = newest ? read(newest.path).components : null;
  const priorGrids = newest ? created.filter((a) => a.kind === 'samples' && a.tag === newest.tag && a.format === 'png'
    && /^prior_component_c_\d+_m_\d+$/.test(a.name) && versionOf(a.path) === versionOf(newest.path)).length : 0;
  const qcMetrics = readEvents(runDir).some((e) => e.type === 'train.metrics' && Number.isFinite(e.payload.qc_neff));
  return { epochsByLabel: Object.fromEntries(Object.entries(epochsByLabel).map(([k, s]) => [k, s.size])), K, priorGrids, newest, qcMetrics,
    posterior: posteriorExpectation(created, read, runDir), network: networkExpectation(created, read, runDir) };
}

// The explorer's node (the current one, which the recipe evaluates with a projection), a point
// whose test row has posterior-local samples for that node (by its tag or as their node), and
// one whose row has none: {tag, withFile: {point, row} | null, without: {point, row}}.
function posteriorExpectation(created, read, runDir) {
  const summary = JSON.parse(fs.readFileSync(path.join(runDir, 'summary.json'), 'utf8'));
  const metas = nodeMetasByTag(runDir);
  const tag = [summary.current_node?.tag, ...Object.keys(metas)].find((t) => t && fs.existsSync(path.join(runDir, 'projections', t, 'latent_2d_pca_latest.json')));
  if (!tag) return null;
  const rows = read(`projections/${tag}/latent_2d_pca_latest.json`).index;
  const withSamples = new Set(created.filter((a) => a.kind === 'samples' && a.format === 'png' && (a.tag === tag || a.node === metas[tag].id))
    .map((a) => /^posterior_local_idx_(\d+)_m_\d+$/.exec(a.name)?.[1]).filter(Boolean).map(Number));
  const point = rows.findIndex((r) => withSamples.has(r));
  const other = rows.findIndex((r) => !withSamples.has(r));
  return { tag, withFile: point >= 0 ? { point, row: rows[point] } : null, without: { point: other, row: rows[other] } };
}

// The view groups network files by the node they describe (an epoch-end capture is labelled with
// its branch but names its epoch node), so `tag` is that node's tag. The newest capture counts.
function networkExpectation(created, read, runDir) {
  const tagById = Object.fromEntries(Object.values(nodeMetasByTag(runDir)).map((m) => [m.id, m.tag]));
  const net = created.filter((a) => a.kind === 'network').map((a) => ({ ...a, tag: tagById[a.node] ?? a.tag }));
  const layersFile = net.findLast((a) => /^forward\/idx_\d+\/layers$/.test(a.name) && net.some((b) => b.tag === a.tag && /^topk\//.test(b.name)))
    || net.findLast((a) => /^forward\/idx_\d+\/layers$/.test(a.name));
  if (!layersFile) return null;
  const index = Number(/idx_(\d+)/.exec(layersFile.name)[1]);
  const layersJson = read(layersFile.path);
  const layers = Array.isArray(layersJson) ? layersJson : layersJson.layers;
  const conv = net.find((a) => a.tag === layersFile.tag && new RegExp(`^conv_step/idx_${index}/layer_(.+)/out_(\\d+)/x_(\\d+)_y_(\\d+)/conv_step$`).test(a.name));
  const convData = conv && read(conv.path);
  const [, layer, channel, x, y] = conv ? /^conv_step\/idx_\d+\/layer_(.+)\/out_(\d+)\/x_(\d+)_y_(\d+)\/conv_step$/.exec(conv.name) : [];
  const inspectFile = conv && net.findLast((a) => a.tag === layersFile.tag && a.name === `inspect/idx_${index}/layer_${layer}/ch_${channel}/inspect`);
  const topk = net.find((a) => a.tag === layersFile.tag && /^topk\/.+\/topk$/.test(a.name));
  return {
    tag: layersFile.tag, index, layers: layers.length,
    conv: conv ? { layer, channel: Number(channel), xy: `${x},${y}`, computed: convData.computed, captured: convData.captured, match: convData.match, inspectXy: inspectFile ? read(inspectFile.path).xy ?? null : null } : null,
    topk: topk ? { name: topk.name, k: read(topk.path).k, items: read(topk.path).items.length, layer: /^topk\/layer_(.+)\/ch_(\d+)\//.exec(topk.name)[1], channel: Number(/\/ch_(\d+)\//.exec(topk.name)[1]) } : null,
  };
}
