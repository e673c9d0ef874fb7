// Posterior-local samples for the point selected in the latent explorer (a GM-VAE run): the grid
// of m images decoded from samples of q(z|x) of that test row (`posterior_local_idx_<i>_m_<M>`,
// written at epoch ends for the first visualisation sample and by `acc inspect --posterior-samples`).
// The explorer's `point` is a row of the projection; the projection file's `index` says which
// test row it is. Without a file for that row: the exact `acc inspect` command, or Compute when
// served. Shown under the explorer only for runs that have GM-VAE files.

import { h, clear, setText } from '../../ui/dom.js';
import { fmtNumber } from '../../ui/format.js';
import { loadMirrored, latestOnly } from '../../data/mirrored_json.js';
import { artifactLogOf, findArtifacts } from '../../data/artifact_log.js';
import { indexArtifacts } from '../../explorer/artifacts.js';
import { computeHint } from '../../ui/compute_hint.js';
import { artifactImage } from '../node_images.js';
import { explorerNode } from '../explorer_view.js';
import { mixtureHealthFiles, posteriorLocalFiles } from './mixture_files.js';

const DEFAULT_M = 16; // samples to ask for when the run has no posterior-local file to copy m from

export function createPosteriorSamples(ctx) {
  const { store, getParams } = ctx;
  const head = h('div', { class: 'muted small', dataset: { testid: 'posterior-info' } });
  const body = h('div', { dataset: { testid: 'posterior-body' } });
  const el = h('section', { class: 'panel', hidden: true, dataset: { testid: 'posterior-samples' } },
    h('div', { class: 'panel-head' }, h('h2', {}, 'Posterior samples of the selected point'),
      h('span', { class: 'muted small' }, 'm samples z ~ q(z|x) of that test row, decoded')), head, body);
  const latest = latestOnly();
  let shownKey = '';
  let visible = false;

  async function update() {
    if (!visible) return;
    const list = artifactLogOf(store).list;
    const gmvae = mixtureHealthFiles(list).length > 0 || findArtifacts(list, { kind: 'samples', name: /^posterior_local_/ }).length > 0;
    el.hidden = !gmvae;
    if (!gmvae) return;
    const params = getParams();
    const node = explorerNode(store, params);
    const point = /^\d+$/.test(params.point || '') ? Number(params.point) : null;
    const row = node && point !== null ? await latest(() => testRowOf(store, node, params, point)) : null;
    const files = node && row !== null ? posteriorLocalFiles(list, node, row) : null;
    const key = JSON.stringify([node?.tag, point, row, files?.png.path]);
    if (key === shownKey) return;
    shownKey = key;
    clear(body);
    if (!node) return setText(head, 'No node with projections: the explorer has nothing to select from.');
    if (point === null) return setText(head, `Select a point in the explorer (node ${node.tag}) to see its posterior samples.`);
    if (row === null) return setText(head, `Point ${point}: its test row is not known (projection file not loaded).`);
    setText(head, `node ${node.tag} · point ${point} = test row ${row}`);
    if (!files) {
      const m = anyM(list) ?? DEFAULT_M;
      body.append(computeHint(store, `posterior samples of test row ${row}`, { runId: store.runId, tag: node.tag, index: row, posteriorSamples: m }, { testid: 'posterior-hint' }));
      return;
    }
    const meta = h('div', { class: 'muted small', dataset: { testid: 'posterior-meta' } }, `m = ${files.m} · ${files.png.path}`);
    const image = artifactImage(store, files.png.path, { maxWidth: 320 });
    image.dataset.testid = 'posterior-image';
    body.append(image, meta);
    if (files.json) loadMirrored(store, files.json.path).then((d) => { if (d) setText(meta, `m = ${d.m} · seed ${d.seed} · ${fmtNumber(d.compute_ms)} ms · ${d.dataset ?? ''} row ${d.index}`); });
  }

  return {
    el,
    update: () => { update(); },
    setParams: () => { update(); },
    shown: (on) => { visible = on; if (on) update(); },
  };
}

// The test row of projection row `point`, from the projection the explorer shows (its method and
// dims keys, else the first available; every projection of a node lists the rows in one order).
async function testRowOf(store, node, params, point) {
  const index = indexArtifacts(store.artifactsFor(node));
  const wanted = index.projections[`${params.method || index.methods[0]}/${params.dims || 2}`] || Object.values(index.projections)[0];
  if (!wanted) return null;
  const data = await loadMirrored(store, wanted.path);
  const row = data?.index?.[point];
  return Number.isInteger(row) ? row : null;
}

function anyM(list) {
  const a = findArtifacts(list, { kind: 'samples', name: /^posterior_local_idx_\d+_m_\d+$/ })[0];
  return a ? Number(/_m_(\d+)$/.exec(a.name)[1]) : null;
}
