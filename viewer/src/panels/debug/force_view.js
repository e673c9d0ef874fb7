// The forces on the selected feature's weights (force.<layer>.json, first layer only): its
// tile cropped from each sprite sheet — current weight, plain update (gate removed), gated
// update, applied update (what Adam did) — scaled up without smoothing, with cos(plain, gated),
// cos(gated, applied), the norms, and the layer's agree/oppose/neutral counts.

import { h, setText, clear } from '../../ui/dom.js';
import { fmtNumber } from '../../ui/format.js';
import { capturePath, captureHas, fileNames, runFileUrl, FORCE_IMAGES } from './debug_files.js';
import { loadMirrored, mirrorKey, latestOnly } from '../../data/mirrored_json.js';
import { tileRect, tileScale } from './sprite_tiles.js';

const LABELS = { weight: 'current weight', plain: 'plain update', gated: 'gated update', applied: 'applied update' };
const TILE_PX = 140;

export function createForceView({ store }) {
  const note = h('div', { class: 'muted small' });
  const tiles = h('div', { class: 'force-tiles' });
  const numbers = h('div', { class: 'small', dataset: { testid: 'debug-force-numbers' } });
  const summary = h('div', { class: 'muted small', dataset: { testid: 'debug-force-summary' } });
  const el = h('div', { class: 'card debug-force', dataset: { testid: 'debug-force' } }, h('h3', {}, 'Forces on the selected feature'), note, tiles, numbers, summary);
  const latest = latestOnly();
  const images = new Map(); // url -> Promise<HTMLImageElement>
  let shownKey = '';

  async function show(capture, layer, feature) {
    const name = fileNames.force(layer);
    if (!captureHas(capture, name)) {
      shownKey = '';
      clear(tiles); setText(numbers, ''); setText(summary, '');
      const why = capture.layerInfo[layer]?.force_unavailable || "acc writes it for the model's first layer only";
      setText(note, `no force view for ${layer} at this step: ${why}`);
      return;
    }
    const rel = capturePath(capture, name);
    const key = `${mirrorKey(store, rel)}#${feature}`;
    if (key === shownKey) return;
    shownKey = key;
    const force = await latest(() => loadMirrored(store, rel));
    if (!force) { clear(tiles); setText(note, 'force file not mirrored yet'); return; }
    const info = (force.features || []).find((f) => f.feature === feature);
    setText(note, `${force.layer} · step ${force.step} · lr ${fmtNumber(force.lr)} · feature ${feature} · each tile scaled to its own max |value| (blue −, white 0, red +)`);
    clear(tiles);
    for (const what of FORCE_IMAGES) tiles.append(tileCanvas(capture, force, what, feature));
    setText(numbers, info
      ? `cos(plain, gated) ${fmtNumber(info.cos_plain_gated)} · cos(gated, applied) ${fmtNumber(info.cos_gated_applied)} · norms: ` +
        FORCE_IMAGES.map((w) => `${w} ${fmtNumber(info.norm?.[w])}`).join(', ')
      : `feature ${feature} is not in ${rel}`);
    const s = force.summary || {};
    setText(summary, `over the layer's features, cos(plain, gated): agree ${s.agree ?? '–'} · oppose ${s.oppose ?? '–'} · neutral ${s.neutral ?? '–'}`);
  }

  function tileCanvas(capture, force, what, feature) {
    const canvas = h('canvas', { class: 'force-canvas', dataset: { testid: 'debug-force-tile', what } });
    const figure = h('figure', { class: 'force-tile' }, canvas, h('figcaption', { class: 'small' }, LABELS[what]));
    const rect = force.tile && force.sheet ? tileRect(feature, force) : null;
    if (!rect) { figure.append(h('div', { class: 'muted small' }, 'no tile for this feature')); return figure; }
    const scale = tileScale(force.tile, TILE_PX);
    canvas.dataset.tile = `${rect.sx},${rect.sy},${rect.w},${rect.h}`; // the crop, for tests (a file:// canvas is unreadable)
    canvas.width = rect.w * scale;
    canvas.height = rect.h * scale;
    const path = capturePath(capture, force.images?.[what] || fileNames.forceImage(force.layer, what));
    imageAt(runFileUrl(store.runUrl, path)).then((img) => {
      const g = canvas.getContext('2d');
      g.imageSmoothingEnabled = false; // one weight = one square, as in the sheet
      g.drawImage(img, rect.sx, rect.sy, rect.w, rect.h, 0, 0, canvas.width, canvas.height);
      canvas.dataset.drawn = '1';
    }, () => figure.append(h('div', { class: 'notice notice-warn small', dataset: { testid: 'notice' } }, `${path}: image missing or unreadable`)));
    return figure;
  }

  // A sheet is loaded once and cropped for every feature the user clicks.
  function imageAt(url) {
    if (!images.has(url)) {
      images.set(url, new Promise((resolve, reject) => {
        const img = new Image();
        img.onload = () => resolve(img);
        img.onerror = () => { images.delete(url); reject(new Error(url)); };
        img.src = url;
      }));
    }
    return images.get(url);
  }

  return { el, show };
}
