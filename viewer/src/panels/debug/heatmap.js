// A square matrix in -1..1 drawn on a canvas (blue-white-red, heatmap_math.js) with a readout of
// the cell under the pointer: the cosine matrices of a capture and the watched features'
// pairwise matrix use it. The matrix is painted 1 pixel per cell into an offscreen canvas and
// scaled up without smoothing, so a 256 x 256 matrix costs one drawImage, not 65,536 rects.

import { h, setText } from '../../ui/dom.js';
import { fmtNumber } from '../../ui/format.js';
import { divergingColor, orderedView, cellAt, cellSize } from './heatmap_math.js';

// `labelName(label)` names an item in the readout ("feature 3").
export function createHeatmap({ testid, targetPx = 320, labelName = (l) => `feature ${l}` }) {
  const canvas = h('canvas', { class: 'heatmap-canvas', dataset: { testid } });
  const readout = h('div', { class: 'heatmap-readout small', dataset: { testid: `${testid}-hover` } }, '\u00a0');
  const legend = h('div', { class: 'heatmap-legend small muted' }, h('span', {}, '−1'), h('span', { class: 'heatmap-ramp' }), h('span', {}, '+1'));
  const el = h('div', { class: 'heatmap' }, canvas, readout, legend);
  let view = null;
  let cell = 1;

  function draw(matrix, { order = null, labels = null } = {}) {
    view = orderedView(matrix, { order, labels });
    cell = cellSize(view.n, targetPx);
    const size = view.n * cell;
    canvas.width = size;
    canvas.height = size;
    canvas.dataset.n = String(view.n);
    canvas.dataset.cell = String(cell);
    canvas.dataset.order = view.labels.join(',');
    if (!view.n) return;
    const pixels = new ImageData(view.n, view.n);
    for (let i = 0; i < view.n; i++)
      for (let j = 0; j < view.n; j++) {
        const [r, g, b] = divergingColor(view.at(i, j));
        const k = 4 * (i * view.n + j);
        pixels.data[k] = r; pixels.data[k + 1] = g; pixels.data[k + 2] = b; pixels.data[k + 3] = 255;
      }
    const small = document.createElement('canvas');
    small.width = view.n;
    small.height = view.n;
    small.getContext('2d').putImageData(pixels, 0, 0);
    const g2 = canvas.getContext('2d');
    g2.imageSmoothingEnabled = false;
    g2.drawImage(small, 0, 0, size, size);
    setText(readout, '\u00a0');
  }

  canvas.addEventListener('mousemove', (e) => {
    if (!view) return;
    const hit = cellAt(view, cell, e.offsetX, e.offsetY);
    setText(readout, hit ? `row ${hit.row} (${labelName(hit.rowLabel)}) · col ${hit.col} (${labelName(hit.colLabel)}) · ${fmtNumber(hit.value)}` : '\u00a0');
  });
  canvas.addEventListener('mouseleave', () => setText(readout, '\u00a0'));

  return { el, draw };
}
