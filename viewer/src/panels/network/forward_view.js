// The forward capture of one example: its input and reconstruction PNGs and the latent vectors
// of latent.json (z, mu, logvar, qc_probs, z_sample as the model has them), with the sampling
// context forward_meta.json records.

import { h, clear } from '../../ui/dom.js';
import { fmtNumber } from '../../ui/format.js';
import { loadMirrored, mirrorKey } from '../../data/mirrored_json.js';
import { artifactImage } from '../node_images.js';
import { netDirs, netFile } from './network_files.js';

const LATENT_KEYS = ['z', 'mu', 'logvar', 'z_sample', 'qc_probs'];
const SHOWN_VALUES = 12;

export function createForwardView() {
  const images = h('div', { class: 'network-images' });
  const latent = h('div', { dataset: { testid: 'network-latent' } });
  const el = h('div', { class: 'card', dataset: { testid: 'network-forward' } }, h('h3', {}, 'Input, reconstruction, latent'), images, latent);
  let shown = '';

  async function show({ store, dirs, sel }) {
    const dir = netDirs.forward(sel.index);
    const input = netFile(dirs, dir, 'input.png');
    const recon = netFile(dirs, dir, 'recon.png');
    const latentFile = netFile(dirs, dir, 'latent.json');
    const metaFile = netFile(dirs, dir, 'forward_meta.json');
    const key = JSON.stringify([input?.path, recon?.path, latentFile && mirrorKey(store, latentFile.path), metaFile && mirrorKey(store, metaFile.path)]);
    if (key === shown) return;
    shown = key;
    clear(images);
    images.append(figure('input', input, store, 'network-input'), figure('reconstruction', recon, store, 'network-recon'));
    clear(latent);
    const [data, meta] = await Promise.all([latentFile && loadMirrored(store, latentFile.path), metaFile && loadMirrored(store, metaFile.path)]);
    if (!data) { latent.append(h('div', { class: 'muted small' }, latentFile ? `${latentFile.path}: not in the viewer mirror yet` : 'no latent.json in this capture')); return; }
    const rows = LATENT_KEYS.filter((k) => Array.isArray(data[k])).map((k) => h('tr', { dataset: { key: k } },
      h('td', {}, k), h('td', { class: 'num' }, String(data[k].length)),
      h('td', { class: 'latent-values' }, data[k].slice(0, SHOWN_VALUES).map((v) => fmtNumber(v, 3)).join('  ') + (data[k].length > SHOWN_VALUES ? ' …' : ''))));
    latent.append(h('table', { class: 'grid compact latent-table' }, h('thead', {}, h('tr', {}, h('th', {}, 'vector'), h('th', { class: 'num' }, 'dims'), h('th', {}, 'values'))), h('tbody', {}, rows)));
    const context = meta ? Object.entries(meta).filter(([k]) => !['format', 'version', 'type'].includes(k)).map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : v}`).join(' · ') : '';
    if (context) latent.append(h('div', { class: 'muted small' }, context));
  }

  return { el, show };
}

function figure(caption, artifact, store, testid) {
  const img = artifact ? artifactImage(store, artifact.path, { maxWidth: 140 }) : h('div', { class: 'muted small' }, `no ${caption} image`);
  if (artifact) img.dataset.testid = testid;
  return h('figure', { class: 'network-figure' }, h('figcaption', { class: 'muted small' }, caption), img);
}
