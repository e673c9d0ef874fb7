// Prior-component samples: per mixture component c, the PNG grid of m images decoded from
// samples of p(z|c) (`prior_component_c_<c>_m_<M>`), for the label and version picked in the
// GM-VAE section, each captioned with the component's weight p from the mixture_health file of
// that version, and its seed and compute time from the grid's JSON.

import { h, clear } from '../../ui/dom.js';
import { fmtNumber } from '../../ui/format.js';
import { loadMirrored } from '../../data/mirrored_json.js';
import { artifactImage } from '../node_images.js';
import { evalArtifactsCommand, runsRootOf } from '../../data/inspect_request.js';

export function createPriorGrids({ store }) {
  const body = h('div', { class: 'prior-grids', dataset: { testid: 'prior-grids' } });
  const el = h('div', { class: 'card' }, h('h3', {}, 'Prior-component samples p(z|c) → decoder'), body);
  let shown = '';

  // files: mixture_files.js's priorComponentFiles(...); p: the file's p (or null); what: the
  // label and version they belong to, for the line shown when there are none; nodeTag: the node
  // of the mixture file, whose evaluation would write them.
  function show(files, p, what, nodeTag) {
    const key = JSON.stringify([files.map((f) => f.png?.path), p, what]);
    if (key === shown) return;
    shown = key;
    clear(body);
    if (!files.length) {
      body.append(h('div', { class: 'muted small', dataset: { testid: 'prior-grids-missing' } },
        `No prior-component samples for ${what}`
        + (nodeTag ? `; make them with ${evalArtifactsCommand(store.runId, nodeTag, ['mixture_health', 'mixture_samples'], runsRootOf(store.runUrl))}` : '')));
      return;
    }
    for (const f of files) {
      const caption = h('figcaption', { class: 'small' }, `c = ${f.component}`, p ? ` · p = ${fmtNumber(p[f.component], 3)}` : '', ` · m = ${f.m}`);
      const meta = h('div', { class: 'muted small' });
      if (f.json) loadMirrored(store, f.json.path).then((d) => { if (d) meta.textContent = `seed ${d.seed} · ${fmtNumber(d.compute_ms)} ms`; });
      const image = f.png ? artifactImage(store, f.png.path, { maxWidth: 160 }) : h('div', { class: 'notice notice-warn small' }, `${f.json?.path}: its PNG was not announced`);
      if (f.png) image.dataset.testid = 'prior-grid-image';
      body.append(h('figure', { class: 'prior-grid', dataset: { component: String(f.component) } }, caption, image, meta));
    }
  }

  return { el, show };
}
