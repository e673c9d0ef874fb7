// The explorer's control bar: projection method, 2D/3D, edge mode, radius scale, overlay, and
// how strongly points are drawn (faint or hidden points let an overlay under them show), and
// what colours the points (class label or a dataset factor of the projection).
// Only choices backed by artifacts are offered.
import { RADIUS_MIN, RADIUS_MAX } from './view_state.js';

const METHOD_NAMES = { pca: 'PCA', umap: 'UMAP' };
const EDGE_NAMES = { gated: 'gated by extent radius', topk: 'always top-k', off: 'off' };
const OVERLAY_NAMES = { none: 'none', posterior: 'posterior density', prior: 'prior density', distortion: 'distortion' };

function labelled(text, control) {
  const label = document.createElement('label');
  label.className = 'accx-control';
  const span = document.createElement('span');
  span.textContent = text;
  label.append(span, control);
  return label;
}

function select(testid, onChange) {
  const el = document.createElement('select');
  el.setAttribute('data-testid', testid);
  el.addEventListener('change', () => onChange(el.value));
  return el;
}

function setOptions(el, entries, value) {
  const key = entries.map(([v, t, d]) => `${v}:${t}:${d ? 1 : 0}`).join('|');
  if (el.dataset.options !== key) {
    el.textContent = '';
    for (const [v, text, disabled] of entries) {
      const option = document.createElement('option');
      option.value = v;
      option.textContent = text;
      option.disabled = Boolean(disabled);
      el.appendChild(option);
    }
    el.dataset.options = key;
  }
  el.value = value;
}

// onChange(key, value) with key in method | dims | edges | radius | overlay | pts | color.
export function createControls(host, onChange) {
  const bar = document.createElement('div');
  bar.className = 'accx-controls';
  const method = select('explorer-method', (v) => onChange('method', v));
  const dims = select('explorer-dims', (v) => onChange('dims', Number(v)));
  const edges = select('explorer-edges', (v) => onChange('edges', v));
  const overlay = select('explorer-overlay', (v) => onChange('overlay', v));
  const pts = select('explorer-points', (v) => onChange('pts', v));
  const color = select('explorer-color', (v) => onChange('color', v));
  const radius = document.createElement('input');
  radius.type = 'range';
  radius.min = String(RADIUS_MIN);
  radius.max = String(RADIUS_MAX);
  radius.step = '0.05';
  radius.setAttribute('data-testid', 'explorer-radius');
  const radiusValue = document.createElement('span');
  radiusValue.className = 'accx-radius-value';
  radius.addEventListener('input', () => {
    radiusValue.textContent = `× ${Number(radius.value).toFixed(2)}`;
    onChange('radius', Number(radius.value));
  });
  const radiusBox = document.createElement('span');
  radiusBox.className = 'accx-radius';
  radiusBox.append(radius, radiusValue);
  const radiusLabel = labelled('radius scale', radiusBox);
  radiusLabel.title = 'Extent radius r_i = scale × 5% of the projection diagonal × (latent k-th neighbour distance of i / its median)';
  bar.append(labelled('method', method), labelled('dimensions', dims), labelled('kNN edges', edges), radiusLabel, labelled('overlay', overlay), labelled('points', pts), labelled('colour by', color));
  host.appendChild(bar);

  return {
    // view: validated view state (color resolved); choices: {methods, dims, overlays, factors: [{name, unit}]}
    update(view, choices) {
      setOptions(method, choices.methods.map((m) => [m, METHOD_NAMES[m] || m.toUpperCase()]), view.method);
      setOptions(dims, choices.dims.map((d) => [String(d), `${d}D`]), String(view.dims));
      setOptions(edges, Object.entries(EDGE_NAMES), view.edges);
      const overlayEntries = [['none', view.dims === 3 ? 'none (2D only)' : 'none']];
      for (const o of ['posterior', 'prior', 'distortion']) {
        if (choices.overlays.includes(o)) overlayEntries.push([o, OVERLAY_NAMES[o]]);
      }
      setOptions(overlay, overlayEntries, view.overlay);
      overlay.disabled = view.dims === 3 || overlayEntries.length === 1;
      overlay.title = view.dims === 3 ? 'Density and distortion overlays exist for 2D projections only' : '';
      if (document.activeElement !== radius) radius.value = String(view.radius);
      radiusValue.textContent = `× ${Number(view.radius).toFixed(2)}`;
      radius.disabled = view.edges !== 'gated';
      setOptions(pts, [['shown', 'shown'], ['faint', 'faint'], ['hidden', 'hidden']], view.pts);
      const factors = choices.factors || [];
      setOptions(color, [['label', 'label'], ...factors.map((f) => [f.name, f.unit ? `${f.name} (${f.unit})` : f.name])], view.color);
      color.disabled = !factors.length;
      color.title = factors.length ? '' : 'This projection has no dataset factors';
    },
    dispose() { bar.remove(); },
  };
}
