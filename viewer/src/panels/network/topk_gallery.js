// Top-k activations of the selected channel (topk/layer_<id>/ch_<c>/metric_<m>/subset_<n>/k_<k>/):
// the k inputs among the first n dataset items whose channel map has the largest max (or mean),
// as thumbnails with their scores and the (x, y) of the max, from topk.json and input_<index>.png.
// A scan not made yet gets the `acc inspect --topk K` command (or Compute).

import { h, clear, setText } from '../../ui/dom.js';
import { fmtNumber } from '../../ui/format.js';
import { fillSelect } from '../../ui/select.js';
import { loadMirrored, mirrorKey, latestOnly } from '../../data/mirrored_json.js';
import { artifactImage } from '../node_images.js';
import { netFile, topkScans } from './network_files.js';
import { requestForm } from './request_form.js';

export function createTopkGallery(ctx, { onPick }) {
  const pick = h('select', { dataset: { testid: 'topk-select' }, onchange: () => onPick(pick.value) });
  const info = h('div', { class: 'muted small', dataset: { testid: 'topk-info' } });
  const gallery = h('div', { class: 'topk-gallery', dataset: { testid: 'topk-gallery' } });
  const request = h('div', {});
  const el = h('div', { class: 'card', dataset: { testid: 'network-topk' } },
    h('div', { class: 'panel-head' }, h('h3', {}, 'Top-k activations'), h('label', { class: 'control' }, 'scan ', pick)), info, gallery, request);
  const latest = latestOnly();
  let shown = '';

  async function show({ store, dirs, sel, hint }) {
    const layer = sel.layer;
    const scans = layer.kind === 'spatial' ? topkScans(dirs, layer.id, sel.channel) : [];
    const scan = scans.find((s) => s.dir === sel.topk) || scans[0];
    pick.parentElement.hidden = !scans.length;
    const key = JSON.stringify([layer.id, sel.channel, sel.index, scans.map((s) => s.dir), scan && mirrorKey(store, scan.file.path)]);
    if (key === shown) return;
    shown = key;
    if (scans.length) fillSelect(pick, scans.map((s) => s.dir), scan.dir, (d) => { const s = scans.find((x) => x.dir === d); return `${s.metric} · first ${s.subset} · k ${s.k}`; });
    const data = scan ? await latest(() => loadMirrored(store, scan.file.path)) : null;
    clear(gallery);
    clear(request);
    if (layer.kind !== 'spatial') { setText(info, `${layer.id} is a vector layer: top-k scans are for channels of spatial layers.`); return; }
    if (data) {
      setText(info, `${layer.id} ch ${sel.channel} · by ${data.metric} of the channel map · the top ${data.k} of the first ${data.subset_n} items`);
      for (const item of data.items || []) {
        const file = netFile(dirs, scan.dir, `input_${item.index}.png`);
        const img = file ? artifactImage(store, file.path, { maxWidth: 56 }) : h('div', { class: 'muted small' }, 'no image');
        if (file) img.dataset.testid = 'topk-image';
        gallery.append(h('figure', { class: 'network-figure', dataset: { testid: 'topk-item', index: String(item.index) } }, img,
          h('figcaption', { class: 'small' }, `#${item.index}`), h('div', { class: 'muted small' }, `${fmtNumber(item.score, 3)}${item.xy ? ` @${item.xy.join ? item.xy.join(',') : `${item.xy.x},${item.xy.y}`}` : ''}`)));
      }
    } else {
      setText(info, scan ? `${scan.file.path}: not in the viewer mirror yet` : `No top-k scan of ${layer.id} channel ${sel.channel} yet.`);
    }
    request.append(requestForm([
      { name: 'k', label: 'k', value: data?.k ?? 8 },
      { name: 'metric', label: 'metric', value: data?.metric ?? 'max', type: 'select', options: ['max', 'mean'] },
      { name: 'subset', label: 'first n items', value: data?.subset_n ?? 1000 },
    ], (v) => (scans.some((s) => s.k === Number(v.k) && s.metric === v.metric && s.subset === Number(v.subset)) ? shownAbove()
      : /^\d+$/.test(v.k) && Number(v.k) > 0 && /^\d+$/.test(v.subset) ? hint(`Top-${v.k} scan (${v.metric}, first ${v.subset})`, { layer: layer.id, channel: sel.channel, topk: Number(v.k), topkMetric: v.metric, subset: Number(v.subset) }, 'topk-hint') : null), { testid: 'topk-request' }));
  }

  return { el, show };
}

function shownAbove() {
  return h('div', { class: 'muted small' }, 'this scan exists: pick it in the scan selector');
}
