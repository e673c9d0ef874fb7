// The smoothing slider of a chart panel (losses, evaluation during training): a value s in
// [0, 0.99] kept in the URL hash under the panel's own key, so a refresh or a shared link shows
// the same curves. s is the weight kept per 1/200 of a chart's step span (smoothing.js); each
// chart's title says the resulting time constant in steps. 0 (the default) draws the raw curves.

import { h } from '../ui/dom.js';
import { parseSmoothing } from './smoothing.js';

// onChange(text|null) stores the value (null removes the key); set(text) shows the URL's value
// and returns it parsed.
export function createSmoothingControl(onChange) {
  const input = h('input', { type: 'range', min: '0', max: '0.99', step: '0.01', value: '0', class: 'smoothing-slider', dataset: { testid: 'smoothing' } });
  const shown = h('span', { class: 'smoothing-value' }, 'off');
  const label = (s) => (s > 0 ? String(s) : 'off');
  input.addEventListener('input', () => {
    const s = parseSmoothing(input.value);
    shown.textContent = label(s);
    onChange(s > 0 ? String(s) : null);
  });
  const el = h('label', { class: 'control', title: 'exponential moving average weighted by the step gap, debiased (docs/viewer.md, "Smoothing")' }, 'smoothing ', input, ' ', shown);
  return {
    el,
    set(text) {
      const s = parseSmoothing(text);
      if (document.activeElement !== input) input.value = String(s);
      shown.textContent = label(s);
      return s;
    },
  };
}
