// The layers of a forward capture (layers.json, in forward order) with kind, shape and
// min / max / mean; a click selects one, whose channel grid (spatial) or vector PNG is shown
// below the list.

import { h, clear } from '../../ui/dom.js';
import { fmtNumber } from '../../ui/format.js';
import { artifactImage } from '../node_images.js';
import { netDirs, netFile } from './network_files.js';

export function createLayersList(ctx, { onSelect }) {
  const table = h('div', { class: 'table-scroll short' });
  const picture = h('div', { dataset: { testid: 'network-layer-picture' } });
  const el = h('div', { class: 'card' }, h('h3', {}, 'Layers'), table, picture);
  let shown = '';

  function show({ store, dirs, sel }) {
    const key = JSON.stringify([sel.label, sel.index, sel.layers, sel.layer.id]);
    if (key === shown) return;
    shown = key;
    clear(table);
    table.append(h('table', { class: 'grid compact layers-table' },
      h('thead', {}, h('tr', {}, ['layer', 'kind', 'shape', 'min', 'max', 'mean'].map((t) => h('th', {}, t)))),
      h('tbody', {}, sel.layers.map((l) => h('tr', {
        class: l === sel.layer ? 'selected' : '', dataset: { testid: 'network-layer-row', layer: String(l.id) }, onclick: () => onSelect(String(l.id)),
      }, h('td', {}, String(l.id)), h('td', {}, l.kind ?? ''), h('td', {}, Array.isArray(l.shape) ? l.shape.join('×') : ''),
      h('td', { class: 'num' }, fmtNumber(l.min, 3)), h('td', { class: 'num' }, fmtNumber(l.max, 3)), h('td', { class: 'num' }, fmtNumber(l.mean, 3)))))));
    clear(picture);
    const l = sel.layer;
    // layers.json names the picture's path; the layer directory's grid/vector file is the same.
    const dir = netDirs.layer(sel.index, l.id);
    const path = l.grid || l.vector || netFile(dirs, dir, 'grid.png')?.path || netFile(dirs, dir, 'vector.png')?.path;
    const what = l.kind === 'spatial' ? 'all channels, tiled (channel 0 top left, row by row)' : 'the vector, one cell per unit';
    if (!path) { picture.append(h('div', { class: 'muted small' }, `layer ${l.id}: no picture in this capture`)); return; }
    const img = artifactImage(store, path, { maxWidth: 520 });
    img.dataset.testid = 'network-layer-image';
    picture.append(h('div', { class: 'muted small' }, `${l.id}: ${what}`), img);
  }

  return { el, show };
}
