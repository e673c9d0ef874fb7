// Label legend with counts, the colour bar of a factor the points are coloured by, and the
// colour scale of the active overlay.
import { el, section, fmt } from './dom.js';
import { labelColor, cssGradient, viridisRamp, UNLABELLED } from './colors.js';
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

// factor: {name, unit}; scale: factorScale of its values (factors.js). The bar's ends are the
// 1st and 99th percentiles (values beyond are drawn in the end colours).
// hiddenLabels: how many labels the URL dims, which applies again in label mode.
export function renderFactorLegend(host, factor, scale, hiddenLabels = 0) {
  const { box, body } = section(`Colour: ${factor.name}`, 'explorer-factor-legend');
  box.dataset.factor = factor.name;
  const unit = factor.unit ? ` ${factor.unit}` : '';
  if (scale.count === 0) {
    body.append(el('div', 'accx-muted', 'no point has a value for this factor'));
  } else {
    box.dataset.low = String(scale.low);
    box.dataset.high = String(scale.high);
    const bar = el('div', 'accx-gradient');
    bar.style.background = cssGradient(viridisRamp, 16);
    const ticks = el('div', 'accx-gradient-ticks');
    ticks.append(el('span', '', `${fmt(scale.low, 3)}${unit}`), el('span', '', `${fmt(scale.high, 3)}${unit}`));
    body.append(bar, ticks,
      el('div', 'accx-muted', `bar: 1st–99th percentile, beyond clamps; range ${fmt(scale.min, 3)} … ${fmt(scale.max, 3)}${unit}`));
  }
  if (scale.missing) {
    const row = el('div', 'accx-muted');
    const swatch = el('span', 'accx-swatch');
    swatch.style.background = UNLABELLED;
    row.append(swatch, document.createTextNode(`no value: ${fmt(scale.missing)} points`));
    body.append(row);
  }
  if (hiddenLabels) body.append(el('div', 'accx-muted', `${hiddenLabels} dimmed label${hiddenLabels > 1 ? 's' : ''}: dimming applies when colouring by label`));
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
