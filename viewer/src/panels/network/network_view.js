// The run page's Network view (issue #9): what `acc inspect` wrote for one example of a node —
// input and reconstruction, the layers with their summaries and channel grids, one channel's
// heat overlay and probe, the single convolution step at the probe, the layer's kernels, latent
// perturbations and the channel's top-k activations. The selection (label, example index, layer,
// channel, probe position, ...) lives in the URL as net_* keys. Where a selection needs a file
// the run lacks, the part says so with the exact `acc inspect` command, or a Compute button when
// `acc serve` serves the page. Nothing is recomputed here.

import { h, clear, setText } from '../../ui/dom.js';
import { fillSelect } from '../../ui/select.js';
import { artifactLogOf } from '../../data/artifact_log.js';
import { loadMirrored, latestOnly } from '../../data/mirrored_json.js';
import { computeHint } from '../../ui/compute_hint.js';
import { networkIndex, netDirs, netFile, childValues, channelCount, parseXy } from './network_files.js';
import { createForwardView } from './forward_view.js';
import { createLayersList } from './layers_list.js';
import { createInspectView } from './inspect_view.js';
import { createConvStepView } from './conv_step_view.js';
import { createKernelsView } from './kernels_view.js';
import { createPerturbStrip } from './perturb_strip.js';
import { createTopkGallery } from './topk_gallery.js';

export function createNetworkView(ctx) {
  const { store, getParams, setParams } = ctx;
  const set = (changes) => setParams(changes, { replace: true });
  const labelSelect = h('select', { dataset: { testid: 'network-label' }, onchange: () => set({ net_label: labelSelect.value, net_idx: null, net_layer: null, net_ch: null, net_xy: null }) });
  const indexSelect = h('select', { dataset: { testid: 'network-index' }, onchange: () => set({ net_idx: indexSelect.value, net_xy: null }) });
  const otherIndex = h('input', { type: 'number', min: '0', class: 'index-input', placeholder: 'row', title: 'another test row', dataset: { testid: 'network-other-index' } });
  const otherButton = h('button', { type: 'button', onclick: () => { if (/^\d+$/.test(otherIndex.value)) set({ net_idx: otherIndex.value, net_xy: null }); } }, 'show');
  const message = h('div', { class: 'muted', dataset: { testid: 'network-message' } });
  const parts = {
    forward: createForwardView(ctx),
    layers: createLayersList(ctx, { onSelect: (id) => set({ net_layer: id, net_ch: null, net_xy: null }) }),
    inspect: createInspectView(ctx, { onProbe: (xy) => set({ net_xy: `${xy[0]},${xy[1]}` }), onChannel: (c) => set({ net_ch: String(c), net_xy: null }) }),
    convStep: createConvStepView(ctx),
    kernels: createKernelsView(ctx),
    perturb: createPerturbStrip(ctx, { onPick: (vector, dim) => set({ net_vec: vector, net_dim: String(dim) }) }),
    topk: createTopkGallery(ctx, { onPick: (dir) => set({ net_topk: dir }) }),
  };
  const body = h('div', { class: 'network-body' },
    h('div', { class: 'network-row' }, parts.forward.el, parts.layers.el),
    parts.inspect.el,
    h('div', { class: 'network-row' }, parts.convStep.el, parts.kernels.el),
    parts.perturb.el, parts.topk.el);
  const el = h('section', { class: 'panel network-panel', dataset: { testid: 'network-panel' } },
    h('div', { class: 'panel-head' }, h('h2', {}, 'Network'),
      h('label', { class: 'control' }, 'node ', labelSelect), h('label', { class: 'control' }, 'example (test row) ', indexSelect),
      h('span', { class: 'control' }, otherIndex, otherButton)),
    message, body);
  const latest = latestOnly();
  let visible = false;
  let messageKey = ''; // what the message line says, so a poll does not rebuild a pending Compute

  // Shows `build()` in the message line unless the same message (by key) is already there.
  function say(key, build) {
    if (key === messageKey) return;
    messageKey = key;
    clear(message);
    const content = build();
    if (typeof content === 'string') setText(message, content);
    else message.append(content);
  }

  async function update() {
    if (!visible) return;
    const tagById = new Map(store.nodes().map((n) => [n.id, n.tag]));
    const index = networkIndex(artifactLogOf(store).list, (a) => tagById.get(a.node) ?? a.tag);
    const params = getParams();
    const labels = [...index.keys()].filter((l) => childValues(index.get(l), 'forward', 'idx').length);
    const fallbackTag = store.summary?.current_node?.tag || store.nodes().at(-1)?.tag;
    const label = labels.includes(params.net_label) ? params.net_label : labels.includes(fallbackTag) ? fallbackTag : labels.at(-1);
    body.hidden = !label;
    if (!label) {
      if (!store.loaded) return say('loading', () => 'Loading…');
      if (!fallbackTag) return say('no node', () => 'No checkpoint node yet: there is nothing to inspect.');
      return say(`hint|${fallbackTag}`, () => computeHint(store, 'Network inspection', { runId: store.runId, tag: fallbackTag, index: 0 }, { testid: 'network-hint' }));
    }
    const dirs = index.get(label);
    const indices = childValues(dirs, 'forward', 'idx');
    const wantedIndex = /^\d+$/.test(params.net_idx || '') ? Number(params.net_idx) : indices[0];
    fillSelect(labelSelect, labels, label);
    fillSelect(indexSelect, [...new Set([...indices, wantedIndex])].sort((a, b) => a - b).map(String), String(wantedIndex));
    const layersFile = netFile(dirs, netDirs.forward(wantedIndex), 'layers.json');
    const spec = { runId: store.runId, tag: label, index: wantedIndex };
    if (!layersFile) {
      body.hidden = true;
      return say(`hint|${label}|${wantedIndex}`, () => computeHint(store, `Forward capture of test row ${wantedIndex}`, spec, { testid: 'network-hint' }));
    }
    const layersData = await latest(() => loadMirrored(store, layersFile.path));
    const layers = layersOf(layersData);
    if (!layers) return say(`bad|${layersFile.path}`, () => `${layersFile.path}: not in the viewer mirror yet, or not a list of layers`);
    say('', () => '');
    const layer = layers.find((l) => String(l.id) === params.net_layer) || layers[0];
    // A vector layer is one channel to acc (network_files.js); a stale URL channel is clamped.
    const channels = layer.kind === 'spatial' ? channelCount(layer) || 1 : 1;
    const channel = Math.min(/^\d+$/.test(params.net_ch || '') ? Number(params.net_ch) : 0, channels - 1);
    const sel = { label, index: wantedIndex, layer, layers, channel, xy: parseXy(params.net_xy), vector: params.net_vec, dim: params.net_dim, topk: params.net_topk };
    const view = { store, dirs, sel, spec, hint: (what, extra, testid) => computeHint(store, what, { ...spec, ...extra }, { testid }) };
    for (const part of Object.values(parts)) part.show(view);
  }

  return {
    el,
    update: () => { update(); },
    setParams: () => { update(); },
    shown: (on) => { visible = on; if (on) update(); },
  };
}

// layers.json: an ordered list of layers, or {layers: [...]}.
function layersOf(data) {
  const list = Array.isArray(data) ? data : Array.isArray(data?.layers) ? data.layers : null;
  return list && list.length ? list : null;
}
