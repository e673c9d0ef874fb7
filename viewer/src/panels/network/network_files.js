// Where a run's network-inspection files are (docs/run-format.md, "Artifacts": kind `network`,
// written by `acc inspect` with label = the node's tag). Their names read like paths relative to
// network/<label>/ — `forward/idx_3/layers`, `inspect/idx_3/layer_enc1/ch_2/overlay` — so they
// are indexed as directories of files: the panels ask "what is in this directory" and "which
// values of `key_` exist under that one" (channels inspected, deltas perturbed, top-k scans).
// Pure (no DOM), tested by network.test.mjs under node.

import { findArtifacts, compareVersions } from '../../data/artifact_log.js';

// node tag -> dir -> 'leaf.format' -> newest artifact entry. Files are grouped by the node
// they describe (`tagOf(a)`: the tag of the event's node, else its label): `acc inspect` labels
// them with the node's tag, while a train op's epoch-end captures are labelled with the branch
// and name their epoch node, so each epoch node is one entry here and a request for more files
// names that node. Of one leaf, the latest step wins, then the later announcement.
export function networkIndex(list, tagOf = (a) => a.tag) {
  const out = new Map();
  for (const a of findArtifacts(list, { kind: 'network' })) {
    const cut = a.name.lastIndexOf('/');
    const dir = cut < 0 ? '' : a.name.slice(0, cut);
    const leaf = `${a.name.slice(cut + 1)}.${a.format}`;
    const tag = tagOf(a);
    if (!out.has(tag)) out.set(tag, new Map());
    const dirs = out.get(tag);
    if (!dirs.has(dir)) dirs.set(dir, new Map());
    const files = dirs.get(dir);
    const old = files.get(leaf);
    if (!old || (a.step ?? -1) > (old.step ?? -1) || ((a.step ?? -1) === (old.step ?? -1) && a.seq > old.seq)) files.set(leaf, a);
  }
  return out;
}

// The directories of each part, for one example (index), layer, channel, ...
export const netDirs = {
  forward: (index) => `forward/idx_${index}`,
  layer: (index, layer) => `forward/idx_${index}/layer_${layer}`,
  inspect: (index, layer, channel) => `inspect/idx_${index}/layer_${layer}/ch_${channel}`,
  convStep: (index, layer, channel, [x, y]) => `conv_step/idx_${index}/layer_${layer}/out_${channel}/x_${x}_y_${y}`,
  kernels: (layer, channel) => `kernels/layer_${layer}/out_${channel}`,
  perturbDim: (index, vector, dim) => `perturb/idx_${index}/vector_${vector}/dim_${dim}`,
  topkChannel: (layer, channel) => `topk/layer_${layer}/ch_${channel}`,
};

// The artifact `leaf` (e.g. 'layers.json', 'grid.png') in `dir`, or null.
export function netFile(dirs, dir, leaf) {
  return dirs?.get(dir)?.get(leaf) || null;
}

export function hasDir(dirs, dir) {
  return !!dirs?.has(dir);
}

// The directories one level below `prefix` that hold files at any depth, as their last
// component (e.g. under 'perturb/idx_3': ['vector_z', 'vector_mu']), in first-seen order.
export function childDirs(dirs, prefix) {
  const out = new Set();
  const start = prefix ? `${prefix}/` : '';
  for (const dir of dirs?.keys() || []) {
    if (!dir.startsWith(start) || dir.length === start.length) continue;
    out.add(dir.slice(start.length).split('/')[0]);
  }
  return [...out];
}

// The values of `key_<value>` children of `prefix` ('idx' under 'forward' → example indices).
// Numbers when every value is an integer, sorted.
export function childValues(dirs, prefix, key) {
  const values = childDirs(dirs, prefix).filter((c) => c.startsWith(`${key}_`)).map((c) => c.slice(key.length + 1));
  if (values.length && values.every((v) => /^-?\d+$/.test(v))) return values.map(Number).sort((a, b) => a - b);
  return values.sort();
}

// Every directory at or below `prefix` that holds `leaf`, with its path relative to `prefix`.
export function dirsWith(dirs, prefix, leaf) {
  const out = [];
  for (const [dir, files] of dirs || []) if ((dir === prefix || dir.startsWith(`${prefix}/`)) && files.has(leaf)) out.push({ dir, rel: dir.slice(prefix.length + 1), file: files.get(leaf) });
  return out;
}

// Probe positions that have a conv-step file for (index, layer, channel): [[x, y]].
export function convStepPositions(dirs, index, layer, channel) {
  const prefix = `conv_step/idx_${index}/layer_${layer}/out_${channel}`;
  return childDirs(dirs, prefix).map((c) => /^x_(\d+)_y_(\d+)$/.exec(c)).filter(Boolean).map((m) => [Number(m[1]), Number(m[2])]);
}

// Top-k scans of (layer, channel): [{metric, subset, k, dir, file}] from
// topk/layer_<L>/ch_<C>/metric_<m>/subset_<n>/k_<k>/topk.json, newest first.
export function topkScans(dirs, layer, channel) {
  const prefix = netDirs.topkChannel(layer, channel);
  return dirsWith(dirs, prefix, 'topk.json').map(({ dir, rel, file }) => {
    const m = /^metric_([^/]+)\/subset_(\d+)\/k_(\d+)$/.exec(rel);
    return m ? { metric: m[1], subset: Number(m[2]), k: Number(m[3]), dir, file } : null;
  }).filter(Boolean).sort((a, b) => compareVersions(b.file, a.file));
}

// The channel count of a layer from its `shape` ([C, H, W] or [N, C, H, W] for spatial layers,
// [D] or [N, D] for vectors).
export function channelCount(layer) {
  const s = Array.isArray(layer?.shape) ? layer.shape : [];
  if (layer?.kind === 'spatial') return s.length >= 3 ? s[s.length - 3] : null;
  return s.length ? s[s.length - 1] : null;
}

// The spatial size [width, height] of a spatial layer, or null.
export function spatialSize(layer) {
  const s = Array.isArray(layer?.shape) ? layer.shape : [];
  return layer?.kind === 'spatial' && s.length >= 2 ? [s[s.length - 1], s[s.length - 2]] : null;
}

// The receptive-field box of an inspect.json in input pixels, or {reason} when unavailable.
export function receptiveField(inspect) {
  const rf = inspect?.rf;
  if (!rf) return { reason: 'no receptive field in inspect.json (no probe position)' };
  if (rf.status !== 'ok') return { reason: rf.reason || `receptive field ${rf.status}` };
  return { x0: rf.x0, y0: rf.y0, x1: rf.x1, y1: rf.y1 };
}

// "x,y" → [x, y] of non-negative integers, or null.
export function parseXy(text) {
  const m = /^\s*(\d+)\s*,\s*(\d+)\s*$/.exec(String(text ?? ''));
  return m ? [Number(m[1]), Number(m[2])] : null;
}
