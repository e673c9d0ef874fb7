// The cosine matrix of the selected capture and layer (cosine.<layer>.<source>.json): a source
// selector (weights | gradients, those the capture has), the file's off-diagonal stats, and an
// option to reorder rows and columns by one of the file's `orders` (features by a metric,
// descending) so that, say, the winners gather in one corner.

import { h, setText } from '../../ui/dom.js';
import { fmtNumber } from '../../ui/format.js';
import { capturePath, cosineSourcesOf, fileNames } from './debug_files.js';
import { loadMirrored, mirrorKey, latestOnly } from '../../data/mirrored_json.js';
import { createHeatmap } from './heatmap.js';
import { fillSelect } from '../../ui/select.js';

export function createCosineView({ store }) {
  const sourceSelect = h('select', { dataset: { testid: 'debug-cosine-source' }, onchange: () => { source = sourceSelect.value; refresh(); } });
  const orderSelect = h('select', { dataset: { testid: 'debug-cosine-order' }, onchange: () => { order = orderSelect.value; draw(); } });
  const stats = h('div', { class: 'muted small', dataset: { testid: 'debug-cosine-stats' } });
  const heatmap = createHeatmap({ testid: 'debug-cosine' });
  const el = h('div', { class: 'card debug-cosine' },
    h('div', { class: 'panel-head' }, h('h3', {}, 'Cosine similarity'),
      h('label', { class: 'control' }, 'source ', sourceSelect), h('label', { class: 'control' }, 'order ', orderSelect)),
    stats, heatmap.el);
  const latest = latestOnly();
  let source = 'weights';
  let order = ''; // '' = feature id
  let current = null; // {capture, layer}
  let data = null;
  let shownKey = '';

  function show(capture, layer) {
    current = { capture, layer };
    refresh();
  }

  async function refresh() {
    if (!current) return;
    const { capture, layer } = current;
    const sources = cosineSourcesOf(capture, layer);
    el.hidden = !sources.length;
    if (!sources.length) return;
    if (!sources.includes(source)) source = sources[0];
    fillSelect(sourceSelect, sources, source);
    const rel = capturePath(capture, fileNames.cosine(layer, source));
    const key = mirrorKey(store, rel);
    if (key === shownKey) return;
    shownKey = key;
    data = await latest(() => loadMirrored(store, rel));
    const orders = Object.keys(data?.orders || {});
    if (order && !orders.includes(order)) order = '';
    fillSelect(orderSelect, ['', ...orders], order, (o) => (o ? `by ${o}` : 'feature id'));
    draw();
  }

  function draw() {
    if (!data?.matrix) { setText(stats, 'cosine file not mirrored yet'); heatmap.draw([]); return; }
    const s = data.stats || {};
    setText(stats, `${data.layer} · ${data.source} · step ${data.step} · ${data.n ?? data.matrix.length} features · off-diagonal mean ${fmtNumber(s.mean)} · std ${fmtNumber(s.std)} · max ${fmtNumber(s.max)}`);
    heatmap.draw(data.matrix, { order: order ? data.orders[order] : null });
  }

  return { el, show };
}
