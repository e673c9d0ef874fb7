// The batch of the selected capture: its grid image (debug/<from>/step_<N>/batch.png, an <img>
// so it works from file://) and, from batch.json, the dataset, the per-task losses and the
// labels in grid order.

import { h, setText, clear } from '../../ui/dom.js';
import { fmtNumber } from '../../ui/format.js';
import { capturePath, fileNames, runFileUrl } from './debug_files.js';
import { loadMirrored, mirrorKey, latestOnly } from '../../data/mirrored_json.js';
import { captureLabel } from './debug_events.js';

export function createCaptureView({ store }) {
  const caption = h('div', { class: 'muted small' });
  const img = h('img', { class: 'artifact debug-batch', alt: 'batch', dataset: { testid: 'debug-batch-image' } });
  img.addEventListener('load', () => {
    const scale = Math.max(1, Math.min(4, Math.floor(360 / img.naturalWidth)));
    img.style.width = `${img.naturalWidth * scale}px`;
  });
  const losses = h('div', { class: 'debug-losses' });
  const labels = h('div', { class: 'muted small debug-labels' });
  const el = h('div', { class: 'card debug-capture', dataset: { testid: 'debug-capture' } }, h('h3', {}, 'Batch'), caption, img, losses, labels);
  const latest = latestOnly();
  let shownImage = '';
  let shownJson = '';

  async function show(capture) {
    const imagePath = capturePath(capture, fileNames.batchImage());
    if (imagePath !== shownImage) {
      shownImage = imagePath;
      img.src = runFileUrl(store.runUrl, imagePath);
      img.title = imagePath;
      img.dataset.step = String(capture.step);
      setText(caption, captureLabel(capture));
    }
    const rel = capturePath(capture, fileNames.batch());
    const key = mirrorKey(store, rel);
    if (key === shownJson) return;
    shownJson = key;
    const batch = await latest(() => loadMirrored(store, rel));
    render(batch);
  }

  function render(batch) {
    clear(losses);
    if (!batch) { losses.append(h('div', { class: 'muted small' }, 'batch.json not mirrored yet')); setText(labels, ''); return; }
    const rows = Object.entries(batch.losses || {}).map(([task, v]) => h('tr', {}, h('td', {}, task), h('td', { class: 'num' }, fmtNumber(v))));
    losses.append(h('table', { class: 'grid compact kv', dataset: { testid: 'debug-losses' } }, h('tbody', {},
      h('tr', {}, h('td', {}, 'loss (weighted total)'), h('td', { class: 'num' }, h('b', {}, fmtNumber(batch.loss)))),
      rows,
      h('tr', {}, h('td', {}, 'batch'), h('td', { class: 'num' }, `${batch.size ?? '–'} images of ${batch.dataset ?? '?'}`)))));
    setText(labels, Array.isArray(batch.labels) && batch.labels.length ? `labels (grid order): ${batch.labels.join(' ')}` : '');
  }

  return { el, show };
}
