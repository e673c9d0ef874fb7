// One channel of the selected layer (inspect/idx_<i>/layer_<id>/ch_<c>/): the channel map, its
// heat overlay on the input, and the probe — the value at (x, y) with its approximate receptive
// field drawn as a box over the input, or the reason acc gives when it has none. Clicking the
// channel map picks a new probe position; a position or channel without files shows the
// `acc inspect` command (or Compute) that writes them.

import { h, clear, setText } from '../../ui/dom.js';
import { fmtNumber } from '../../ui/format.js';
import { fillSelect } from '../../ui/select.js';
import { loadMirrored, mirrorKey, latestOnly } from '../../data/mirrored_json.js';
import { artifactImage } from '../node_images.js';
import { netDirs, netFile, channelCount, spatialSize, receptiveField } from './network_files.js';

export function createInspectView(ctx, { onProbe, onChannel }) {
  const channelSelect = h('select', { dataset: { testid: 'network-channel' }, onchange: () => onChannel(Number(channelSelect.value)) });
  const stats = h('div', { class: 'small', dataset: { testid: 'inspect-stats' } });
  const body = h('div', { class: 'network-images' });
  const hint = h('div', {});
  const el = h('div', { class: 'card', dataset: { testid: 'network-inspect' } },
    h('div', { class: 'panel-head' }, h('h3', {}, 'Channel inspect'), h('label', { class: 'control' }, 'channel ', channelSelect),
      h('span', { class: 'muted small' }, 'click the channel map to probe a position')),
    stats, body, hint);
  const latest = latestOnly();
  let shown = '';

  async function show({ store, dirs, sel, hint: makeHint }) {
    const layer = sel.layer;
    // acc holds a vector layer as one channel of 1 x D, so element d is position (d, 0).
    const vector = layer.kind !== 'spatial';
    const count = vector ? 1 : channelCount(layer);
    const size = vector ? [channelCount(layer) || 1, 1] : spatialSize(layer);
    channelSelect.parentElement.hidden = false;
    fillSelect(channelSelect, Array.from({ length: count || 1 }, (_, c) => String(c)), String(sel.channel));
    const dir = netDirs.inspect(sel.index, layer.id, sel.channel);
    const jsonFile = netFile(dirs, dir, 'inspect.json');
    const key = JSON.stringify([dir, jsonFile && mirrorKey(store, jsonFile.path), sel.xy, [...(dirs.get(dir)?.keys() || [])]]);
    if (key === shown) return;
    shown = key;
    const data = jsonFile ? await latest(() => loadMirrored(store, jsonFile.path)) : null;
    clear(body); clear(hint);
    if (!data) {
      setText(stats, '');
      hint.append(makeHint(`Inspection of ${layer.id} channel ${sel.channel}`, { layer: layer.id, channel: sel.channel, ...(sel.xy ? { xy: sel.xy } : {}) }, 'inspect-hint'));
      return;
    }
    const probe = data.xy || null;
    setText(stats, `${layer.id} ch ${sel.channel} · ${size[0]}×${size[1]} · min ${fmtNumber(data.min)} · max ${fmtNumber(data.max)} · mean ${fmtNumber(data.mean)} · argmax at ${xyText(data.argmax_xy)}`
      + (probe ? ` · probe (${probe.x}, ${probe.y}) = ${fmtNumber(probe.value)}` : ' · no probe'));
    const channelImg = imageOf(store, dirs, dir, 'channel.png', 'channel map');
    const mapBox = h('div', { class: 'probe-box', dataset: { testid: 'inspect-channel' } }, channelImg);
    if (channelImg.tagName === 'IMG') {
      channelImg.style.cursor = 'crosshair';
      channelImg.addEventListener('click', (e) => {
        const r = channelImg.getBoundingClientRect();
        onProbe([Math.min(size[0] - 1, Math.floor((e.clientX - r.left) / r.width * size[0])), Math.min(size[1] - 1, Math.floor((e.clientY - r.top) / r.height * size[1]))]);
      });
      if (probe) mapBox.append(boxOver(channelImg, size, { x0: probe.x, y0: probe.y, x1: probe.x, y1: probe.y }, 'probe-marker'));
    }
    const inputFile = netFile(dirs, netDirs.forward(sel.index), 'input.png');
    const inputBox = h('div', { class: 'probe-box', dataset: { testid: 'inspect-rf' } });
    const rf = receptiveField(data);
    const rfLine = h('div', { class: 'muted small', dataset: { testid: 'inspect-rf-text' } });
    if (inputFile) {
      const inputImg = artifactImage(store, inputFile.path, { maxWidth: 140 });
      inputBox.append(inputImg);
      if (!rf.reason) inputBox.append(boxOver(inputImg, null, rf, 'rf-box'));
    }
    setText(rfLine, rf.reason ? `receptive field: ${rf.reason}` : `receptive field x ${rf.x0}…${rf.x1}, y ${rf.y0}…${rf.y1} (input pixels)`);
    body.append(
      h('figure', { class: 'network-figure' }, h('figcaption', { class: 'muted small' }, 'channel map'), mapBox),
      h('figure', { class: 'network-figure' }, h('figcaption', { class: 'muted small' }, 'heat overlay on the input'), imageOf(store, dirs, dir, 'overlay.png', 'overlay')),
      h('figure', { class: 'network-figure' }, h('figcaption', { class: 'muted small' }, 'input with receptive field'), inputBox, rfLine));
    // A probe position picked on the map that this file does not describe yet.
    if (sel.xy && !(probe && probe.x === sel.xy[0] && probe.y === sel.xy[1]))
      hint.append(makeHint(`Probe at (${sel.xy[0]}, ${sel.xy[1]})`, { layer: layer.id, channel: sel.channel, xy: sel.xy }, 'probe-hint'));
  }

  return { el, show };
}

// [x, y] or {x, y} as "x,y".
function xyText(xy) {
  if (Array.isArray(xy)) return xy.join(',');
  return xy && typeof xy === 'object' ? `${xy.x},${xy.y}` : '?';
}

function imageOf(store, dirs, dir, leaf, what) {
  const file = netFile(dirs, dir, leaf);
  return file ? artifactImage(store, file.path, { maxWidth: 140 }) : h('div', { class: 'muted small' }, `no ${what} image in ${dir}`);
}

// A rectangle over `img` covering cells x0..x1, y0..y1 (inclusive) of a grid of `size` cells
// ([w, h]; null: the image's own pixels), placed once the image has its size.
function boxOver(img, size, box, cls) {
  const mark = h('div', { class: cls, dataset: { testid: cls } });
  const place = () => {
    const [w, hgt] = size || [img.naturalWidth, img.naturalHeight];
    if (!w || !hgt) return;
    Object.assign(mark.style, { left: `${(box.x0 / w) * 100}%`, top: `${(box.y0 / hgt) * 100}%`, width: `${((box.x1 - box.x0 + 1) / w) * 100}%`, height: `${((box.y1 - box.y0 + 1) / hgt) * 100}%` });
  };
  if (img.complete && img.naturalWidth) place();
  else img.addEventListener('load', place);
  return mark;
}
