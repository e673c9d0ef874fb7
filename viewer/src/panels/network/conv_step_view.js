// The single convolution step behind one output value (conv_step/idx_<i>/layer_<id>/out_<c>/
// x_<x>_y_<y>/conv_step.json): the 3x3 input patch times the 3x3 kernel, elementwise, gives the
// product; its sum plus the bias is the pre-activation, and the activation gives the output.
// acc recomputes that value and also captures it from the real forward pass: both are shown
// with a badge saying whether they match. Available for a first conv layer with one input
// channel and a 3x3 kernel; other layers get acc's answer through the command.

import { h, clear } from '../../ui/dom.js';
import { fmtNumber } from '../../ui/format.js';
import { loadMirrored, mirrorKey, latestOnly } from '../../data/mirrored_json.js';
import { netDirs, netFile, convStepPositions, spatialSize } from './network_files.js';
import { valueTable } from './value_table.js';

export function createConvStepView() {
  const body = h('div', {});
  const el = h('div', { class: 'card', dataset: { testid: 'network-conv-step' } }, h('h3', {}, 'One convolution step'), body);
  const latest = latestOnly();
  let shown = '';

  async function show({ store, dirs, sel, hint }) {
    const layer = sel.layer;
    const size = spatialSize(layer);
    const positions = convStepPositions(dirs, sel.index, layer.id, sel.channel);
    const xy = sel.xy || positions[0] || (size ? [Math.floor(size[0] / 2), Math.floor(size[1] / 2)] : null);
    const file = xy ? netFile(dirs, netDirs.convStep(sel.index, layer.id, sel.channel, xy), 'conv_step.json') : null;
    const key = JSON.stringify([layer.id, sel.channel, xy, file && mirrorKey(store, file.path)]);
    if (key === shown) return;
    shown = key;
    const data = file ? await latest(() => loadMirrored(store, file.path)) : null;
    clear(body);
    if (!xy) { body.append(h('div', { class: 'muted small' }, `${layer.id} is a vector layer: the convolution step is for conv layers.`)); return; }
    if (!data) {
      body.append(hint(`Convolution step of ${layer.id} channel ${sel.channel} at (${xy[0]}, ${xy[1]})`, { layer: layer.id, channel: sel.channel, xy, convStep: true }, 'conv-hint'));
      return;
    }
    const match = data.match === true;
    body.append(
      h('div', { class: 'muted small' }, `${layer.id} · output channel ${sel.channel} · position (${xy[0]}, ${xy[1]})`
        + (Array.isArray(data.input_origin) ? ` · patch from input (${data.input_origin.join(', ')})` : '') + (data.patch_padding?.flat?.().some(Boolean) ? ' · hatched: zero padding' : '')),
      h('div', { class: 'conv-equation' },
        labelled('input patch', valueTable(data.patch, { testid: 'conv-patch', padding: data.patch_padding })), h('span', { class: 'op' }, '×'),
        labelled('kernel', valueTable(data.kernel, { testid: 'conv-kernel' })), h('span', { class: 'op' }, '='),
        labelled('product', valueTable(data.product, { testid: 'conv-product' }))),
      h('table', { class: 'grid compact kv conv-sums' }, h('tbody', {},
        row('sum of the product', data.pre_bias_sum),
        row('+ bias', data.bias),
        row('= pre-activation', data.pre_activation),
        row(`${data.activation?.name ?? 'activation'}(pre-activation)`, data.activation?.value),
        row('computed', data.computed, 'conv-computed'),
        row('captured in the forward pass', data.captured, 'conv-captured'))),
      h('span', { class: `badge ${match ? 'badge-completed' : 'badge-failed'}`, dataset: { testid: 'conv-match', match: String(match) } },
        match ? 'computed = captured' : `MISMATCH: computed ${fmtNumber(data.computed, 6)} ≠ captured ${fmtNumber(data.captured, 6)}`));
  }

  return { el, show };
}

function labelled(label, table) {
  return h('figure', { class: 'conv-term' }, h('figcaption', { class: 'muted small' }, label), table);
}

function row(label, value, testid) {
  return h('tr', {}, h('td', {}, label), h('td', { class: 'num', dataset: testid ? { testid, value: String(value) } : undefined }, fmtNumber(value, 6)));
}
