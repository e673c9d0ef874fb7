// Entry point of the static viewer: reads where the data is (?root=, ?run=), then renders the
// runs list or a run page from the hash route and re-renders on navigation.

import 'uplot/dist/uPlot.min.css';
import './style.css';
import { dataLocations, currentRoute, onRouteChange, runHash } from './route.js';
import { IndexStore } from './store/index_store.js';
import { RunStore } from './store/run_store.js';
import { mountRunsList } from './pages/runs_list.js';
import { mountRunPage } from './pages/run_page.js';
import { mountNotices, clearNotices } from './ui/notice.js';
import { renderSidebar } from './ui/sidebar.js';
import { h } from './ui/dom.js';

const locations = dataLocations();
const indexStore = new IndexStore(locations.rootUrl);
const stores = new Map();

// One store per run, shared by the run page, overlays and comparisons.
function storeFor(runId) {
  if (!stores.has(runId)) {
    const url = runId === locations.runId ? locations.runUrl : `${locations.rootUrl}${encodeURIComponent(runId)}/`;
    stores.set(runId, new RunStore(url, runId));
  }
  return stores.get(runId);
}

document.getElementById('not-built')?.remove();
const sidebar = document.getElementById('sidebar');
const pageEl = document.getElementById('page');
mountNotices(document.getElementById('notices'));

let page = null; // {kind, runId, setParams?, destroy}

// ?run= without a hash opens that run (once: the nav's "Runs" link must still reach the list).
if (locations.runId && !window.location.hash.replace(/^#\/?/, '')) history.replaceState(null, '', runHash(locations.runId, { view: 'overview' }));

function render() {
  const route = currentRoute();
  renderSidebar(sidebar, route, locations);
  if (route.page === 'run' && page?.kind === 'run' && page.runId === route.runId) {
    page.setParams(route.params);
    return;
  }
  if (route.page === 'runs' && page?.kind === 'runs') return;
  page?.destroy();
  for (const s of stores.values()) s.stop(); // the new page restarts the stores it shows
  clearNotices();
  pageEl.replaceChildren();
  const container = h('div', { class: `page page-${route.page}` });
  pageEl.append(container);
  if (route.page === 'run') page = { kind: 'run', ...mountRunPage(container, { runId: route.runId, params: route.params, storeFor, indexStore }) };
  else page = { kind: 'runs', ...mountRunsList(container, { indexStore, rootUrl: locations.rootUrl }) };
}

onRouteChange(render);
render();
