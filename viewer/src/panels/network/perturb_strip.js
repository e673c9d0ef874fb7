// Latent perturbation (perturb/idx_<i>/vector_<key>/dim_<d>/delta_<tag>/): the example's
// reconstruction beside the reconstructions decoded with one latent dimension moved by each
// delta, ordered by delta, with the dimension's base and new values from meta.json. A dimension
// or delta not computed yet gets the `acc inspect --perturb DIM:DELTA` command (or Compute).

import { h, clear } from '../../ui/dom.js';
import { fmtNumber, fmtSigned } from '../../ui/format.js';
import { fillSelect } from '../../ui/select.js';
import { loadMirrored, latestOnly } from '../../data/mirrored_json.js';
import { artifactImage } from '../node_images.js';
import { netDirs, netFile, childValues, childDirs } from './network_files.js';
import { requestForm } from './request_form.js';

export function createPerturbStrip(ctx, { onPick }) {
  const pick = h('select', { dataset: { testid: 'perturb-select' }, onchange: () => { const [v, d] = pick.value.split('|'); onPick(v, Number(d)); } });
  const strip = h('div', { class: 'perturb-strip', dataset: { testid: 'perturb-strip' } });
  const request = h('div', {});
  const el = h('div', { class: 'card', dataset: { testid: 'network-perturb' } },
    h('div', { class: 'panel-head' }, h('h3', {}, 'Latent perturbation'), h('label', { class: 'control' }, 'vector / dim ', pick)), strip, request);
  const latest = latestOnly();
  let shown = '';

  async function show({ store, dirs, sel, hint }) {
    const base = `perturb/idx_${sel.index}`;
    const choices = childValues(dirs, base, 'vector').flatMap((v) => childValues(dirs, `${base}/vector_${v}`, 'dim').map((d) => `${v}|${d}`));
    const wanted = `${sel.vector}|${sel.dim}`;
    const choice = choices.includes(wanted) ? wanted : choices[0];
    pick.parentElement.hidden = !choices.length;
    const deltaDirs = choice ? childDirs(dirs, netDirs.perturbDim(sel.index, ...choice.split('|'))).filter((c) => c.startsWith('delta_')) : [];
    const key = JSON.stringify([sel.label, sel.index, choice, deltaDirs]);
    if (key !== shown) {
      shown = key;
      if (choices.length) fillSelect(pick, choices, choice, (c) => { const [v, d] = c.split('|'); return `${v} dim ${d}`; });
      const dimDir = choice ? netDirs.perturbDim(sel.index, ...choice.split('|')) : null;
      const entries = await latest(() => Promise.all(deltaDirs.map(async (c) => {
        const meta = netFile(dirs, `${dimDir}/${c}`, 'meta.json');
        return { dir: `${dimDir}/${c}`, recon: netFile(dirs, `${dimDir}/${c}`, 'recon.png'), meta: meta ? await loadMirrored(store, meta.path) : null };
      })));
      entries.sort((a, b) => (a.meta?.delta ?? 0) - (b.meta?.delta ?? 0));
      clear(strip);
      if (entries.length) {
        const recon = netFile(dirs, netDirs.forward(sel.index), 'recon.png');
        strip.append(frame(store, recon, 'base reconstruction', entries[0].meta ? `value ${fmtNumber(entries[0].meta.base_value, 3)}` : '', 'perturb-base'));
        for (const e of entries)
          strip.append(frame(store, e.recon, e.meta ? `Δ ${fmtSigned(e.meta.delta, 3)}` : e.dir.split('/').pop(), e.meta ? `${fmtNumber(e.meta.base_value, 3)} → ${fmtNumber(e.meta.new_value, 3)}` : 'meta.json not mirrored yet', 'perturb-recon'));
      } else {
        strip.append(h('div', { class: 'muted small' }, `No perturbation of test row ${sel.index} yet.`));
      }
      clear(request);
      const [, d] = (choice || '|0').split('|');
      request.append(requestForm([
        { name: 'dim', label: 'dim', value: d || 0 },
        { name: 'delta', label: 'delta', value: 2, step: 'any' },
      ], (v) => (v.dim === d && entries.some((e) => e.meta?.delta === Number(v.delta)) ? h('div', { class: 'muted small' }, 'this perturbation is shown above')
        : /^\d+$/.test(v.dim) && Number.isFinite(Number(v.delta)) && v.delta !== ''
        ? hint(`Perturbation of dim ${v.dim} by ${v.delta}`, { perturb: [Number(v.dim), Number(v.delta)] }, 'perturb-hint') : null), { testid: 'perturb-request' }));
    }
  }

  return { el, show };
}

function frame(store, artifact, caption, sub, testid) {
  const img = artifact ? artifactImage(store, artifact.path, { maxWidth: 84 }) : h('div', { class: 'muted small' }, 'no image');
  if (artifact) img.dataset.testid = testid;
  return h('figure', { class: 'network-figure' }, h('figcaption', { class: 'small' }, caption), img, h('div', { class: 'muted small' }, sub));
}
