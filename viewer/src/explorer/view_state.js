// The explorer's part of the page URL: string keys in, validated values out, and back.
// Keys: method, dims, overlay, edges, radius, point, pts (points shown | faint | hidden), hide (dimmed labels, comma-separated; 'none'
// for unlabelled points), color (colour by 'label' or a factor name), cam (camera; `view` belongs to the app).

// The key of a label in `hide`.
export function labelKey(label) {
  return label === null || label === undefined ? 'none' : String(label);
}
// Unknown or unavailable values fall back to defaults, so an old URL never breaks the view.
import { dimsAvailable, overlaysAvailable } from './artifacts.js';
import { COLOR_LABEL } from './factors.js';

export const EDGE_MODES = ['gated', 'topk', 'off'];
export const POINT_MODES = ['shown', 'faint', 'hidden'];
export const RADIUS_MIN = 0.1;
export const RADIUS_MAX = 5;

export function readViewState(raw, index) {
  const s = raw || {};
  const method = index.methods.includes(s.method) ? s.method : index.methods[0] || null;
  const dimsList = method ? dimsAvailable(index, method) : [];
  const wantDims = Number(s.dims);
  const dims = dimsList.includes(wantDims) ? wantDims : dimsList[0] || 2;
  const overlays = method ? overlaysAvailable(index, method, dims) : [];
  const overlay = overlays.includes(s.overlay) ? s.overlay : 'none';
  const edges = EDGE_MODES.includes(s.edges) ? s.edges : 'gated';
  const r = Number(s.radius);
  const radius = Number.isFinite(r) && r >= RADIUS_MIN && r <= RADIUS_MAX ? r : 1;
  const p = s.point === undefined || s.point === '' ? NaN : Number(s.point);
  const point = Number.isInteger(p) && p >= 0 ? p : null;
  const pts = POINT_MODES.includes(s.pts) ? s.pts : 'shown';
  const hide = new Set(typeof s.hide === 'string' && s.hide ? s.hide.split(',') : []);
  // Factor names are known only once a projection is loaded: kept as asked, resolved then (factors.js).
  const color = typeof s.color === 'string' && s.color ? s.color : COLOR_LABEL;
  return { method, dims, overlay, edges, radius, point, hide, pts, color, cam: typeof s.cam === 'string' ? s.cam : '' };
}

// The URL value of a colouring: the default (label) removes the key.
export function colorParam(color) {
  return color && color !== COLOR_LABEL ? color : '';
}
