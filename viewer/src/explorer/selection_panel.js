// The selected point and its latent-space neighbours (from the kNN file): index, latent
// distance, label, thumbnail; hovering a neighbour marks it on the canvas, clicking selects it.
import { el, section, fmt } from './dom.js';
import { labelColor } from './colors.js';

const THUMB_PX = 36;

function labelCell(label) {
  const span = el('span', 'accx-label');
  const swatch = el('span', 'accx-swatch');
  swatch.style.background = labelColor(label);
  span.append(swatch, document.createTextNode(label === null || label === undefined ? '—' : String(label)));
  return span;
}

// sel: {i, index, label, kth, radius, mode, k}; neighbours: [{j, index, label, latent, projected, alpha}],
// or the kNN load state ('loading' | 'failed') while there is no list.
// onSelect(j) on click; onPreview(j) on hovering a row, onPreview(-1) on leaving it.
export function renderSelection(host, sel, neighbours, sprites, onSelect, onPreview = () => {}) {
  const { box, body } = section('Selected point', 'explorer-selection');
  const head = el('div', 'accx-selected');
  if (sprites.available) {
    const thumb = el('div', 'accx-thumb');
    sprites.show(thumb, sel.i, 64);
    head.appendChild(thumb);
  }
  const facts = el('div');
  facts.append(el('div', '', `index ${sel.index}`), labelCell(sel.label));
  if (sel.kth !== null) facts.append(el('div', 'accx-muted', `k-th latent distance ${fmt(sel.kth)}`));
  if (sel.mode === 'gated' && sel.radius !== null) facts.append(el('div', 'accx-muted', `extent radius ${fmt(sel.radius)} (projection units)`));
  head.appendChild(facts);
  body.appendChild(head);

  if (!Array.isArray(neighbours)) { // the kNN file's load state instead of a list
    body.appendChild(el('div', 'accx-muted', neighbours === 'failed' ? 'neighbours: kNN file unavailable' : 'loading latent kNN…'));
  } else {
    const table = el('table', 'accx-neighbours');
    table.setAttribute('data-testid', 'explorer-neighbours');
    const hr = el('tr');
    for (const h of ['', 'index', 'latent d', 'proj. d', 'label', sel.mode === 'gated' ? 'opacity' : '']) hr.appendChild(el('th', '', h));
    table.appendChild(hr);
    for (const nb of neighbours) {
      const tr = el('tr', 'accx-neighbour');
      tr.dataset.point = String(nb.j);
      tr.title = `select point ${nb.j}`;
      const tdThumb = el('td');
      if (sprites.available) {
        const thumb = el('div', 'accx-thumb');
        sprites.show(thumb, nb.j, THUMB_PX);
        tdThumb.appendChild(thumb);
      }
      const tdLabel = el('td');
      tdLabel.appendChild(labelCell(nb.label));
      tr.append(tdThumb, el('td', '', String(nb.index)), el('td', '', fmt(nb.latent)), el('td', '', fmt(nb.projected)), tdLabel,
        el('td', '', sel.mode === 'gated' ? fmt(nb.alpha, 2) : ''));
      tr.addEventListener('click', () => onSelect(nb.j));
      tr.addEventListener('mouseenter', () => onPreview(nb.j));
      tr.addEventListener('mouseleave', () => onPreview(-1));
      table.appendChild(tr);
    }
    body.append(el('div', 'accx-muted', `${neighbours.length} nearest in latent space (k = ${sel.k})`), table);
  }
  body.appendChild(el('div', 'accx-muted', 'Esc or a click on empty space clears the selection.'));
  host.appendChild(box);
  return box;
}
