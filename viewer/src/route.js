// URL state. Which data to read lives in the query (?root=, ?run=) because it names places on
// disk; what to show lives in the hash (#/run/<id>?view=...), so navigation never reloads the
// page and a refresh returns to the same view.

import { toDirUrl } from './data/loader.js';

// The runs root URL (ending in '/') and, when ?run= is given, that run directory's URL.
export function dataLocations(href = window.location.href) {
  const params = new URL(href).searchParams;
  const runParam = params.get('run');
  const runUrl = runParam ? toDirUrl(runParam, href) : null;
  let rootUrl;
  if (params.get('root')) rootUrl = toDirUrl(params.get('root'), href);
  else if (runUrl) rootUrl = new URL('../', runUrl).href; // the run's siblings, for overlays and comparison
  else rootUrl = new URL('../runs/', href).href;
  return { rootUrl, runUrl, runId: runUrl ? lastSegment(runUrl) : null, explicitRoot: params.has('root') };
}

function lastSegment(dirUrl) {
  const parts = new URL(dirUrl).pathname.split('/').filter(Boolean);
  return decodeURIComponent(parts[parts.length - 1] || '');
}

// Parses the hash: {page: 'runs'|'run', runId, params: {view, node, ...}}.
export function currentRoute() {
  const hash = window.location.hash.replace(/^#/, '') || '/';
  const q = hash.indexOf('?');
  const path = q >= 0 ? hash.slice(0, q) : hash;
  const params = Object.fromEntries(new URLSearchParams(q >= 0 ? hash.slice(q + 1) : ''));
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'run' && parts[1]) return { page: 'run', runId: parts[1], params };
  return { page: 'runs', runId: null, params };
}

export function runHash(runId, params = {}) {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') query.set(k, v);
  const qs = query.toString();
  return `#/run/${encodeURIComponent(runId)}${qs ? '?' + qs : ''}`;
}

// Merges `changes` into the current run route's params (null/'' removes a key). `replace` keeps
// history clean for UI state such as a camera angle.
export function updateParams(changes, { replace = false } = {}) {
  const route = currentRoute();
  if (route.page !== 'run') return;
  const params = { ...route.params };
  for (const [k, v] of Object.entries(changes)) {
    if (v === null || v === undefined || v === '') delete params[k];
    else params[k] = String(v);
  }
  const hash = runHash(route.runId, params);
  if (hash === window.location.hash) return;
  if (replace) history.replaceState(null, '', hash);
  else history.pushState(null, '', hash);
  window.dispatchEvent(new Event('acc-route'));
}

export function onRouteChange(callback) {
  window.addEventListener('hashchange', callback);
  window.addEventListener('popstate', callback);
  window.addEventListener('acc-route', callback);
}

// The URL of this page with ?run= set to a run directory (the "open a run directory" form).
export function hrefForRunDir(path) {
  const url = new URL(window.location.href);
  url.searchParams.set('run', path);
  url.hash = '';
  return url.href;
}
