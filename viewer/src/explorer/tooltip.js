// The hover tooltip: thumbnail, split row index and label of the point under the cursor, and the
// value of the factor the points are coloured by.
import { labelColor } from './colors.js';

const THUMB_PX = 84;

export function createTooltip(host, sprites) {
  const el = document.createElement('div');
  el.className = 'accx-tooltip';
  el.setAttribute('data-testid', 'hover-tooltip');
  el.hidden = true;
  const thumb = document.createElement('div');
  thumb.className = 'accx-thumb';
  thumb.setAttribute('data-testid', 'hover-thumb');
  const text = document.createElement('div');
  text.className = 'accx-tooltip-text';
  el.append(thumb, text);
  host.appendChild(el);

  return {
    // (x, y): cursor in host pixels. info: {i, index, label, factor?: {name, text, css}}
    show(x, y, info) {
      el.hidden = false;
      el.dataset.point = String(info.i);
      if (sprites.available) {
        thumb.hidden = false;
        sprites.show(thumb, info.i, THUMB_PX);
      } else thumb.hidden = true;
      const label = info.label === null || info.label === undefined ? 'none' : String(info.label);
      text.innerHTML = '';
      const row = document.createElement('div');
      row.textContent = `index ${info.index}`;
      const lab = document.createElement('div');
      const swatch = document.createElement('span');
      swatch.className = 'accx-swatch';
      swatch.style.background = labelColor(info.label);
      lab.append(swatch, document.createTextNode(`label ${label}`));
      const pt = document.createElement('div');
      pt.className = 'accx-muted';
      pt.textContent = `point ${info.i}`;
      text.append(row, lab);
      if (info.factor) {
        const fac = document.createElement('div');
        fac.setAttribute('data-testid', 'hover-factor');
        const fs = document.createElement('span');
        fs.className = 'accx-swatch';
        fs.style.background = info.factor.css;
        fac.append(fs, document.createTextNode(`${info.factor.name} ${info.factor.text}`));
        text.append(fac);
      }
      text.append(pt);
      // Keep the tooltip inside the host: flip to the other side of the cursor near edges.
      const hostW = host.clientWidth;
      const hostH = host.clientHeight;
      const w = el.offsetWidth;
      const h = el.offsetHeight;
      const left = x + 14 + w > hostW ? x - 14 - w : x + 14;
      const top = y + 14 + h > hostH ? y - 14 - h : y + 14;
      el.style.left = `${Math.max(0, left)}px`;
      el.style.top = `${Math.max(0, top)}px`;
    },
    hide() {
      el.hidden = true;
      delete el.dataset.point;
    },
    dispose() { el.remove(); },
  };
}
