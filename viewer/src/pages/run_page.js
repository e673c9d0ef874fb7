// A run page: the header with phase progress, then one view at a time (overview, events, tree,
// node, explorer, compare). Views are built the first time they are shown and kept (detached from
// the document while hidden, so test hooks and ids are never duplicated), so switching back is
// instant and polls only update what is on screen.

import { h } from '../ui/dom.js';
import { createRunHeader } from '../panels/run_header.js';
import { RUN_VIEWS, DEFAULT_VIEW } from './run_views.js';
import { updateParams } from '../route.js';
import { createSeriesColors } from '../panels/series_colors.js';

export function mountRunPage(container, { runId, params, storeFor, indexStore }) {
  const store = storeFor(runId);
  let current = { ...params };
  const ctx = {
    store,
    indexStore,
    storeFor,
    getParams: () => current,
    setParams: (changes, opts) => updateParams(changes, opts),
    seriesColor: createSeriesColors(), // one colour per series label across the page's charts
  };
  const header = createRunHeader(ctx);
  const viewsEl = h('div', { class: 'views' });
  container.append(header.el, viewsEl);
  const built = new Map(); // view id -> {el, panels}
  let shownId = null;

  function view(id) {
    if (!built.has(id)) {
      const def = RUN_VIEWS.find((v) => v.id === id) || RUN_VIEWS[0];
      const panels = def.panels(ctx);
      const el = h('div', { class: `view view-${def.id} ${def.layout === 'split' ? 'split' : ''}`, dataset: { view: def.id } }, panels.map((p) => p.el));
      built.set(id, { el, panels });
    }
    return built.get(id);
  }

  function show(params) {
    current = { ...params };
    const id = RUN_VIEWS.some((v) => v.id === params.view) ? params.view : DEFAULT_VIEW;
    if (id !== shownId) {
      if (shownId) {
        const old = built.get(shownId);
        old.el.remove();
        old.panels.forEach((p) => p.shown?.(false));
      }
      shownId = id;
      const v = view(id);
      viewsEl.append(v.el);
      v.panels.forEach((p) => { p.setParams?.(current); p.shown?.(true); p.update(); });
    } else {
      built.get(id).panels.forEach((p) => p.setParams?.(current));
    }
  }

  const unsubscribe = store.subscribe((change) => {
    header.update(change);
    if (shownId) built.get(shownId).panels.forEach((p) => p.update(change));
  });
  // Live durations and ETA count between polls.
  const ticker = setInterval(() => { if (store.liveness === 'live') header.update(); }, 1000);
  header.update();
  show(params);
  store.start();

  return {
    runId,
    setParams: show,
    destroy() {
      clearInterval(ticker);
      unsubscribe();
      store.stop();
      for (const v of built.values()) v.panels.forEach((p) => p.destroy?.());
    },
  };
}
