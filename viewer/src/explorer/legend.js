// Label legend with counts, and the colour scale of the active overlay.
import { el, section, fmt } from './dom.js';
import { labelColor, cssGradient } from './colors.js';
import { labelKey } from './view_state.js';

export function countLabels(labels, n) {
  const counts = new Map();
  for (let i = 0; i < n; i++) {
    const l = labels ? labels[i] : null;
    const key = l === null || l === undefined ? null : l;
    counts.set(key, (counts.get(key) || 0) + 1);
  }
  // Numeric labels in order; unlabelled last.
  return [...counts].sort((a, b) => (a[0] === null) - (b[0] === null) || (a[0] ?? 0) - (b[0] ?? 0));
}

// hidden: Set of label keys drawn dimmed; onToggle(key) flips one.
export function renderLabelLegend(host, labels, n, hidden, onToggle) {
  const { box, body } = section('Colour: label', 'explorer-legend');
  const list = el('ul', 'accx-legend');
  for (const [label, count] of countLabels(labels, n)) {
    const key = labelKey(label);
    const li = el('li', hidden.has(key) ? 'accx-off' : '');
    li.dataset.label = key;
    li.title = hidden.has(key) ? 'click to show this label again' : 'click to dim this label';
    li.addEventListener('click', () => onToggle(key));
    const swatch = el('span', 'accx-swatch');
    swatch.style.background = labelColor(label);
    li.append(swatch, el('span', 'accx-legend-name', label === null ? 'no label' : String(label)), el('span', 'accx-legend-count', fmt(count)));
    list.appendChild(li);
  }
  body.append(list, el('div', 'accx-muted', 'click a label to dim it'));
  host.appendChild(box);
  return box;
}

export function renderOverlayLegend(host, legend) {
  const { box, body } = section('Overlay', 'explorer-overlay-legend');
  const bar = el('div', 'accx-gradient');
  bar.style.background = cssGradient(legend.ramp);
  const ticks = el('div', 'accx-gradient-ticks');
  ticks.append(el('span', '', fmt(legend.low, 3)), el('span', '', legend.mid === null ? '' : fmt(legend.mid, 3)), el('span', '', fmt(legend.high, 3)));
  body.append(el('div', 'accx-muted', legend.label), bar, ticks);
  host.appendChild(box);
  return box;
}
