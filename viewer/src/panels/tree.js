// The checkpoint tree, drawn as SVG from the mirrored checkpoints/<id>/meta.json files with
// d3-hierarchy (stratify + tree). Click a node to open it; ctrl/cmd-click or its check box selects
// it for comparison. The current node (summary.current_node) is highlighted.

import { stratify, tree as treeLayout } from 'd3-hierarchy';
import { h, clear, setText } from '../ui/dom.js';
import { svg } from '../ui/svg.js';

const COLUMN = 190; // px between depths
const ROW = 46;     // px between siblings
const BOX_W = 150;
const BOX_H = 34;

export function createTree({ store, setParams, getParams }) {
  const holder = h('div', { class: 'tree-scroll', dataset: { testid: 'tree' } });
  const selection = h('span', { class: 'small' });
  const compareButton = h('button', { dataset: { testid: 'compare-selected' }, onclick: () => setParams({ view: 'compare', nodes: selected().join(',') }) }, 'compare selected');
  const el = h('section', { class: 'panel tree-panel' },
    h('div', { class: 'panel-head' }, h('h2', {}, 'Checkpoint tree'),
      h('span', { class: 'muted small' }, 'click: open node · ctrl/⌘-click or box: select for comparison'), selection, compareButton),
    holder);
  let key = '';

  const selected = () => (getParams().nodes || '').split(',').filter(Boolean);

  function toggle(tag) {
    const now = selected();
    const next = now.includes(tag) ? now.filter((t) => t !== tag) : [...now, tag];
    setParams({ nodes: next.join(',') || null }, { replace: true });
  }

  function update() {
    const nodes = store.nodes();
    const params = getParams();
    const current = store.summary?.current_node?.id;
    const sel = selected();
    const k = JSON.stringify([nodes.map((n) => [n.id, n.parent, n.tag, n.step]), current, params.node, sel]);
    if (k === key) return;
    key = k;
    const sorted = [...nodes].sort((a, b) => String(a.created).localeCompare(String(b.created)));
    setText(selection, sel.length ? `selected: ${sel.join(', ')}` : '');
    compareButton.disabled = sel.length < 2;
    clear(holder);
    if (!sorted.length) { holder.append(h('div', { class: 'muted' }, store.loaded ? 'No checkpoints yet.' : 'Loading…')); return; }
    holder.append(draw(sorted, { current, open: params.node, selected: new Set(sel) }));
  }

  function draw(nodes, { current, open, selected: sel }) {
    const ids = new Set(nodes.map((n) => n.id));
    const rows = [{ id: '__root__', parent: null }, ...nodes.map((n) => ({ id: n.id, parent: n.parent && ids.has(n.parent) ? n.parent : '__root__', node: n }))];
    const root = stratify().id((d) => d.id).parentId((d) => d.parent)(rows);
    treeLayout().nodeSize([ROW, COLUMN])(root);
    const all = root.descendants().filter((d) => d.data.node);
    const minX = Math.min(...all.map((d) => d.x)), maxX = Math.max(...all.map((d) => d.x));
    const maxDepth = Math.max(...all.map((d) => d.depth));
    const width = maxDepth * COLUMN + 20, height = maxX - minX + ROW + 10;
    const px = (d) => (d.depth - 1) * COLUMN + 10, py = (d) => d.x - minX + ROW / 2;
    const g = svg('g');
    for (const d of all) if (d.parent?.data.node)
      g.append(svg('path', { class: 'tree-link', d: `M${px(d.parent) + BOX_W},${py(d.parent)} C${px(d) - 20},${py(d.parent)} ${px(d.parent) + BOX_W + 20},${py(d)} ${px(d)},${py(d)}` }));
    for (const d of all) {
      const n = d.data.node;
      const cls = ['tree-node', n.id === current ? 'current' : '', n.tag === open ? 'open' : '', sel.has(n.tag) ? 'selected' : ''].join(' ');
      const box = svg('rect', { class: 'check', x: BOX_W - 16, y: -BOX_H / 2 + 4, width: 11, height: 11, rx: 2,
        onclick: (e) => { e.stopPropagation(); toggle(n.tag); } });
      const node = svg('g', { class: cls, transform: `translate(${px(d)},${py(d)})`, dataset: { testid: 'tree-node', nodeTag: n.tag, nodeId: n.id }, tabindex: 0,
        onclick: (e) => { if (e.ctrlKey || e.metaKey || e.shiftKey) toggle(n.tag); else setParams({ node: n.tag }); },
        onkeydown: (e) => { if (e.key === 'Enter') setParams({ node: n.tag }); } },
      svg('title', {}, `${n.tag} (${n.id})${n.id === current ? ' — current node' : ''}`),
      svg('rect', { class: 'box', x: 0, y: -BOX_H / 2, width: BOX_W, height: BOX_H, rx: 5 }),
      svg('text', { x: 8, y: -3, class: 'tag' }, n.tag.length > 18 ? n.tag.slice(0, 17) + '…' : n.tag),
      svg('text', { x: 8, y: 12, class: 'sub' }, `step ${n.step}${n.id === current ? ' · current' : ''}${n.parent && !ids.has(n.parent) ? ' · parent not loaded' : ''}`),
      box, sel.has(n.tag) ? svg('path', { class: 'checkmark', d: `M${BOX_W - 14},${-BOX_H / 2 + 9} l3,3 l5,-6` }) : null);
      g.append(node);
    }
    return svg('svg', { width, height, class: 'tree-svg' }, g);
  }

  return { el, update: () => update(), setParams: () => update() };
}
