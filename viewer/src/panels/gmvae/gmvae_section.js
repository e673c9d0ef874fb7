// The run overview's GM-VAE section (issue #9), shown when the run has mixture-health files or
// GM-VAE fields in its train.metrics: mixture health over epochs per branch, the component
// usage of one mixture-health file (picked by branch/node label and epoch or step; the newest by
// default) with the prior-component sample grids of that same version, the cluster confusion and
// k-means baselines table, and the q(c|x) series of training. Everything comes from the files and events acc wrote; nothing is recomputed.

import { h, setText } from '../../ui/dom.js';
import { fillSelect } from '../../ui/select.js';
import { artifactLogOf, versionLabel, newestOf } from '../../data/artifact_log.js';
import { evalArtifactsCommand, runsRootOf } from '../../data/inspect_request.js';
import { mixtureHealthFiles, priorComponentFiles, versionKey } from './mixture_files.js';
import { createMixtureCharts } from './mixture_charts.js';
import { createUsageView } from './usage_view.js';
import { createPriorGrids } from './prior_grids.js';
import { createQcCharts } from './qc_charts.js';
import { createClusterView } from './cluster_view.js';

export function createGmvaeSection(ctx) {
  const { store, getParams, setParams } = ctx;
  const select = h('select', { dataset: { testid: 'mixture-file-select' }, onchange: () => setParams({ mix: select.value || null }, { replace: true }) });
  const mixtureCharts = createMixtureCharts(ctx);
  const usage = createUsageView(ctx);
  const priors = createPriorGrids(ctx);
  const qc = createQcCharts(ctx);
  const clusters = createClusterView(ctx);
  const noFiles = h('div', { class: 'muted small', dataset: { testid: 'mixture-missing' } });
  const picked = h('div', { class: 'panel-head' }, h('label', { class: 'control' }, 'mixture file ', select));
  const el = h('section', { class: 'panel', hidden: true, dataset: { testid: 'gmvae-section' } },
    h('div', { class: 'panel-head' }, h('h2', {}, 'GM-VAE mixture'),
      h('span', { class: 'muted small' }, 'p = mean soft q(c|x) over the test split · neff = exp(entropy of p)')),
    noFiles, mixtureCharts.el, picked, h('div', { class: 'gmvae-row' }, usage.el, priors.el), clusters.el, qc.el);
  let version = -1;
  let weights = { path: null, p: null }; // a mixture file's p, for the prior grids' captions
  let hasQc = false;

  // `events`: new event lines arrived (the q(c|x) series re-read the log only then).
  function update(events = true) {
    const log = artifactLogOf(store);
    if (events) hasQc = qc.update();
    if (log.version === version && !el.hidden) return;
    const files = mixtureHealthFiles(log.list);
    el.hidden = !files.length && !hasQc;
    if (el.hidden) return;
    version = log.version;
    noFiles.hidden = files.length > 0;
    setText(noFiles, files.length ? '' : missingLine(store));
    picked.hidden = usage.el.hidden = priors.el.hidden = !files.length;
    mixtureCharts.show(files);
    clusters.show(log.list);
    if (files.length) showFile(files);
  }

  // The file picked in the URL (`mix=<path>`), else the newest.
  function showFile(files) {
    const newestFirst = [...files].reverse();
    const wanted = getParams().mix;
    const file = files.find((f) => f.path === wanted) || newestOf(files);
    fillSelect(select, newestFirst.map((f) => f.path), file.path, (path) => { const f = files.find((x) => x.path === path); return `${f.tag} · ${versionLabel(f)}`; });
    const label = file.tag;
    const version = versionKey(file);
    const what = `${label} ${versionLabel(file)}`;
    const nodeTag = store.nodes().find((n) => n.id === file.node)?.tag ?? null;
    const showPriors = () => priors.show(priorComponentFiles(artifactLogOf(store).list, label, version), weights.path === file.path ? weights.p : null, what, nodeTag);
    usage.show(file, (data) => { weights = { path: file.path, p: data.p || null }; showPriors(); });
    showPriors();
  }

  return {
    el,
    update: (change) => { if (!change || change.first || change.events || change.files?.length) update(!change || change.first || change.events > 0); },
    setParams: () => { version = -1; update(false); },
    destroy: () => { mixtureCharts.destroy(); qc.destroy(); },
  };
}

// What makes mixture files: a train op with `epochs:` at each epoch end, or an evaluation.
function missingLine(store) {
  const tag = store.summary?.current_node?.tag || store.nodes().at(-1)?.tag;
  const command = tag ? `; for node ${tag}: ${evalArtifactsCommand(store.runId, tag, ['mixture_health', 'mixture_samples'], runsRootOf(store.runUrl))}` : '';
  return `No mixture-health files yet: a GM-VAE train op with epochs: writes them at each epoch end${command}`;
}
