// The kernels behind one output channel of a conv layer (kernels/layer_<id>/out_<c>/): with one
// input channel, its 3x3 weights (kernel.json) as a coloured table beside kernel.png; with many,
// the aggregated 3x3 strength stencil (L2 over input channels, kernel_agg.json/.png) and the
// slices of the input channels that contribute most (top_in_channels.json, kernel_in_<k>.png).

import { h, clear } from '../../ui/dom.js';
import { fmtNumber } from '../../ui/format.js';
import { loadMirrored, mirrorKey, latestOnly } from '../../data/mirrored_json.js';
import { artifactImage } from '../node_images.js';
import { netDirs, netFile } from './network_files.js';
import { valueTable } from './value_table.js';

export function createKernelsView() {
  const body = h('div', {});
  const el = h('div', { class: 'card', dataset: { testid: 'network-kernels' } }, h('h3', {}, 'Kernels'), body);
  const latest = latestOnly();
  let shown = '';

  async function show({ store, dirs, sel, hint }) {
    const layer = sel.layer;
    const dir = netDirs.kernels(layer.id, sel.channel);
    const single = netFile(dirs, dir, 'kernel.json');
    const agg = netFile(dirs, dir, 'kernel_agg.json');
    const top = netFile(dirs, dir, 'top_in_channels.json');
    const key = JSON.stringify([dir, layer.kind, [single, agg, top].map((f) => f && mirrorKey(store, f.path))]);
    if (key === shown) return;
    shown = key;
    const [k1, ka, kt] = await latest(() => Promise.all([single, agg, top].map((f) => (f ? loadMirrored(store, f.path) : null))));
    clear(body);
    if (layer.kind !== 'spatial') { body.append(h('div', { class: 'muted small' }, `${layer.id} is a vector layer: kernels are shown for conv layers.`)); return; }
    if (!k1 && !ka) { body.append(hint(`Kernels of ${layer.id} output channel ${sel.channel}`, { layer: layer.id, channel: sel.channel }, 'kernels-hint')); return; }
    if (k1) {
      body.append(h('div', { class: 'muted small' }, `${layer.id} · output channel ${sel.channel} · one input channel`),
        h('div', { class: 'kernel-pair', dataset: { testid: 'kernel-single' } }, valueTable(matrixIn(k1), { testid: 'kernel-values' }), png(store, dirs, dir, 'kernel.png', 'kernel-image')));
      return;
    }
    const tops = topList(kt);
    body.append(h('div', { class: 'muted small' }, `${layer.id} · output channel ${sel.channel} · ${ka.in_channels ?? ka.inputs ?? 'several'} input channels: strength stencil = L2 over input channels`),
      h('div', { class: 'kernel-pair', dataset: { testid: 'kernel-agg' } }, valueTable(matrixIn(ka), { testid: 'kernel-values' }), png(store, dirs, dir, 'kernel_agg.png', 'kernel-image')),
      tops.length ? h('div', { class: 'muted small' }, 'input channels contributing most:') : h('div', { class: 'muted small' }, 'no top input channels listed'),
      h('div', { class: 'kernel-tops', dataset: { testid: 'kernel-tops' } }, tops.map((t) => h('figure', { class: 'network-figure' },
        h('figcaption', { class: 'small' }, `in ${t.channel}${Number.isFinite(t.score) ? ` · ${fmtNumber(t.score, 3)}` : ''}`),
        png(store, dirs, dir, `kernel_in_${t.channel}.png`, 'kernel-in-image')))));
  }

  return { el, show };
}

// The 3x3 numbers of a kernel file, whichever field holds them.
function matrixIn(data) {
  for (const k of ['kernel', 'stencil', 'agg', 'values', 'weights', 'strength']) if (Array.isArray(data?.[k])) return data[k];
  return [];
}

// top_in_channels.json: a list, or {channels | top: [...]}, of channel numbers or {channel, score|norm|l2}.
function topList(data) {
  const list = Array.isArray(data) ? data : data?.channels || data?.top || data?.items || [];
  return list.map((t) => (typeof t === 'number' ? { channel: t, score: null } : { channel: t.channel ?? t.in_channel ?? t.index, score: t.score ?? t.norm ?? t.l2 ?? null }))
    .filter((t) => Number.isInteger(t.channel));
}

function png(store, dirs, dir, leaf, testid) {
  const f = netFile(dirs, dir, leaf);
  if (!f) return h('div', { class: 'muted small' }, `no ${leaf}`);
  const img = artifactImage(store, f.path, { maxWidth: 72 });
  img.dataset.testid = testid;
  return img;
}
