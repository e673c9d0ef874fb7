// The run page's debug section (docs/debugger.md): shown when the run has debug.* events, or
// when the page is served by `acc serve` and the run is live (so it can be paused). It folds the
// debug events (debug_events.js), keeps what is selected — a capture (the latest, following new
// ones, unless an earlier one was picked), a layer, a feature — and hands them to its parts:
// batch, feature table, force view, cosine heatmap, trajectories; plus the controls when served.
// Everything drawn comes from the run's files and events; nothing is recomputed here.

import { h } from '../../ui/dom.js';
import { servedSession } from '../../data/served.js';
import { createDebugLog, foldDebugEvents, captureLabel } from './debug_events.js';
import { createDebugStateBar } from './debug_state_bar.js';
import { createDebugControls } from './debug_controls.js';
import { createCaptureView } from './capture_view.js';
import { createFeatureTable } from './feature_table.js';
import { createForceView } from './force_view.js';
import { createCosineView } from './cosine_view.js';
import { fillSelect } from '../../ui/select.js';
import { createTrajectoryView } from './trajectory_view.js';

export function createDebugSection(ctx) {
  const { store } = ctx;
  const log = createDebugLog();
  let session = null;
  let controls = null; // built once the page turns out to be served
  let pinned = null; // key of a capture picked in the selector; null follows the latest
  let layer = null;
  let feature = null; // null: the first watched feature, else feature 0

  const stateBar = createDebugStateBar();
  const captureSelect = h('select', { dataset: { testid: 'debug-capture-select' }, onchange: () => { pinned = captureSelect.value || null; render(); } });
  const layerSelect = h('select', { dataset: { testid: 'debug-layer-select' }, onchange: () => { layer = layerSelect.value; render(); } });
  const layerLabel = h('label', { class: 'control' }, 'layer ', layerSelect);
  const captureView = createCaptureView(ctx);
  const featureTable = createFeatureTable(ctx, { onSelect: (f) => { feature = f; render(); } });
  const forceView = createForceView(ctx);
  const cosineView = createCosineView(ctx);
  const trajectoryView = createTrajectoryView(ctx);
  const controlsSlot = h('div', {});
  const empty = h('div', { class: 'muted', dataset: { testid: 'debug-no-capture' } },
    'No capture yet: pause the run (or start it with `acc run --pause-at STEP`) to capture its batches.');
  const body = h('div', { class: 'debug-body' },
    h('div', { class: 'debug-row' }, captureView.el, featureTable.el),
    h('div', { class: 'debug-row' }, forceView.el, cosineView.el));
  const el = h('section', { class: 'panel debug-section', hidden: true, dataset: { testid: 'debug-section' } },
    h('div', { class: 'panel-head' }, h('h2', {}, 'Debugger'), stateBar.el),
    controlsSlot,
    h('div', { class: 'panel-head debug-pickers' }, h('label', { class: 'control' }, 'capture ', captureSelect), layerLabel),
    empty, body, trajectoryView.el);

  servedSession().then((s) => { session = s; render(); });

  function render() {
    // A stale run (mirror silent for a minute) may still be a paused live one whose heartbeat
    // lags: keep its controls, a dead run's command fails with the server's 409 inline.
    const live = store.liveness === 'live' || store.liveness === 'stale';
    el.hidden = !(log.any || (session && live));
    if (el.hidden) return;
    renderControls(live);
    stateBar.update(log, store.liveness);
    const capture = selectedCapture();
    empty.hidden = !!capture;
    body.hidden = !capture;
    captureSelect.parentElement.hidden = !capture;
    layerLabel.hidden = true;
    if (capture) renderCapture(capture);
    trajectoryView.show(log.trajectories);
  }

  function renderControls(live) {
    const wanted = !!session && live;
    if (wanted && !controls) { controls = createDebugControls(ctx); controlsSlot.append(controls.el); }
    controlsSlot.hidden = !wanted;
    controls?.update(log.state?.state, log.version);
  }

  function selectedCapture() {
    const list = log.captures;
    if (!list.length) return null;
    const byKey = pinned && list.find((c) => c.key === pinned);
    if (!byKey) pinned = null;
    // Newest first; the first entry follows new captures as they arrive.
    const newest = [...list].reverse();
    fillSelect(captureSelect, ['', ...newest.map((c) => c.key)], pinned || '',
      (key) => (key ? captureLabel(list.find((c) => c.key === key)) : `latest (${captureLabel(newest[0])})`));
    return byKey || newest[0];
  }

  function renderCapture(capture) {
    const layers = layersOf(capture);
    if (!layers.includes(layer)) layer = layers[0] ?? null;
    layerLabel.hidden = layers.length < 2;
    fillSelect(layerSelect, layers, layer);
    const f = feature ?? defaultFeature();
    captureView.show(capture);
    if (layer === null) return;
    featureTable.show(capture, layer, f);
    forceView.show(capture, layer, f);
    cosineView.show(capture, layer);
  }

  function defaultFeature() {
    const watched = log.watch?.features;
    return watched?.length ? watched[0] : 0;
  }

  return {
    el,
    update: (change) => {
      const changed = foldDebugEvents(log, store.events);
      if (!change || change.first || changed || change.events) render();
    },
    destroy: () => trajectoryView.destroy(),
  };
}

// The layers a capture describes: the event's list, else those with a features file.
function layersOf(capture) {
  if (capture.layers.length) return capture.layers;
  return capture.files.map((f) => /(?:^|\/)features\.(.+)\.json$/.exec(f)?.[1]).filter(Boolean);
}
