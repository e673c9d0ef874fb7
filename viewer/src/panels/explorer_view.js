// The latent explorer view: picks a node (its projection artifacts) and mounts the explorer
// module (src/explorer/) on it. The explorer keeps its own UI state in the URL hash through
// onStateChange; every hash key the app does not use belongs to it.

import { mountExplorer } from '../explorer/index.js';
import { h, clear } from '../ui/dom.js';
import { notice } from '../ui/notice.js';

export const APP_KEYS = new Set(['view', 'node', 'nodes', 'runs', 'log', 'eval_log', 'mix']);
// The network panel's keys (net_*) are the app's too.
const isAppKey = (k) => APP_KEYS.has(k) || k.startsWith('net_');
// The artifact kinds the explorer reads; other artifacts arriving later must not remount it.
const EXPLORER_KINDS = new Set(['projections', 'neighbors', 'density', 'distortion']);

export function createExplorerView(ctx) {
  const { store, getParams, setParams } = ctx;
  const select = h('select', { dataset: { testid: 'explorer-node' }, onchange: () => setParams({ node: select.value }) });
  const mountPoint = h('div', { class: 'explorer-mount' });
  const message = h('div', { class: 'muted' });
  const el = h('section', { class: 'panel explorer-panel' },
    h('div', { class: 'panel-head' }, h('h2', {}, 'Latent explorer'), h('label', { class: 'control' }, 'node ', select)), message, mountPoint);
  let mounted = null;
  let mountedKey = '';
  let visible = false;
  let explorerState = ''; // the explorer's URL keys as it last knew them

  // The explorer's keys of the URL, normalised (empty = absent) for comparison.
  function explorerKeysOf(params) {
    const entries = Object.entries(params).filter(([k, v]) => !isAppKey(k) && v !== '' && v != null)
      .map(([k, v]) => [k, String(v)]);
    return JSON.stringify(entries.sort(([a], [b]) => a.localeCompare(b)));
  }

  function update() {
    if (!visible) return;
    const list = explorerCandidates(store);
    const node = explorerNode(store, getParams(), list);
    const options = list.map((n) => n.tag).join(',');
    if (select.dataset.options !== options) {
      clear(select);
      for (const n of list) select.append(h('option', { value: n.tag }, n.tag));
      select.dataset.options = options;
    }
    if (node) select.value = node.tag;
    message.textContent = list.length ? '' : store.loaded ? 'No node has projection artifacts yet; evaluate one with `acc eval NODE --artifacts all`.' : 'Loading…';
    const artifacts = node ? store.artifactsFor(node).filter((a) => EXPLORER_KINDS.has(a.kind)) : [];
    const key = JSON.stringify([node?.id, artifacts.map((a) => a.path)]);
    // Back/forward or an edited URL changes explorer keys behind its back: remount on them.
    if (key === mountedKey && explorerKeysOf(getParams()) === explorerState) return;
    mountedKey = key;
    unmount();
    if (!node) return;
    const container = h('div', { class: 'explorer-container' });
    mountPoint.append(container);
    const state = Object.fromEntries(Object.entries(getParams()).filter(([k]) => !isAppKey(k)));
    explorerState = explorerKeysOf(state);
    try {
      mounted = mountExplorer(container, {
        runUrl: store.runUrl,
        loadJson: (rel) => store.loadJson(rel),
        artifacts,
        state,
        onStateChange: (obj) => {
          explorerState = explorerKeysOf({ ...Object.fromEntries(JSON.parse(explorerState)), ...obj });
          setParams(obj, { replace: true });
        },
        onNotice: (msg) => notice(msg),
      });
    } catch (e) {
      console.warn(e);
      notice(`latent explorer failed to start: ${e.message}`);
    }
  }

  function unmount() {
    try { mounted?.destroy(); } catch (e) { console.warn(e); }
    mounted = null;
    clear(mountPoint);
  }

  return {
    el,
    update: () => update(),
    setParams: () => update(),
    shown: (on) => { visible = on; if (on) update(); else { unmount(); mountedKey = ''; } },
    destroy: unmount,
  };
}

// Nodes with a projection artifact, in creation order.
export function explorerCandidates(store) {
  return store.nodes().filter((n) => store.artifactsFor(n).some((a) => a.kind === 'projections'))
    .sort((a, b) => String(a.created).localeCompare(String(b.created)));
}

// The node the explorer shows: the URL's, else the run's current node, else the newest.
export function explorerNode(store, params, list = explorerCandidates(store)) {
  return list.find((n) => n.tag === params.node) || list.find((n) => n.id === store.summary?.current_node?.id) || list[list.length - 1] || null;
}
