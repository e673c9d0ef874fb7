// Evaluation panels of one node: reconstruction grid, traversal and sort-by-activation grids per
// latent group, traversal effects on measured factors, attention maps, and disentanglement
// scores. Rebuilt only when the node's set of artifacts changes.

import { h, clear } from '../ui/dom.js';
import { fmtNumber } from '../ui/format.js';
import { nodeImages, artifactImage } from './node_images.js';
import { traversalEffectsCard } from './traversal_effects_card.js';

export function createEvalPanels({ store, getParams }) {
  const body = h('div', { class: 'eval-panels' });
  const el = h('section', { class: 'panel' }, body);
  let key = '';

  async function update() {
    const tag = getParams().node;
    const node = tag ? store.nodeByTag(tag) : null;
    const artifacts = node ? store.artifactsFor(node) : [];
    const k = JSON.stringify([tag, node?.id, artifacts.map((a) => a.path)]);
    if (k === key) return;
    key = k;
    if (!node) { clear(body); return; }
    const images = await nodeImages(store, node);
    if (key !== k) return; // a newer update started meanwhile
    clear(body);
    if (!artifacts.length) { body.append(h('div', { class: 'muted' }, `No evaluation artifacts for ${tag}. Evaluate it with \`acc eval ${tag} --artifacts all\`.`)); return; }
    if (images.reconstructions) body.append(card('Reconstructions', h('div', { class: 'muted small' }, 'rows alternate: inputs, then their reconstructions'), artifactImage(store, images.reconstructions, { maxWidth: 600 })));
    if (images.groups.length) body.append(groupsPanel(store, images.groups));
    for (const e of images.traversalEffects) body.append(traversalEffectsCard(store, e));
    if (images.attention) body.append(card('Attention', artifactImage(store, images.attention, { maxWidth: 900 })));
    for (const a of images.disentanglement) body.append(disentanglementCard(store, a));
  }

  return { el, update: () => { update(); }, setParams: () => { update(); } };
}

function card(title, ...content) {
  return h('div', { class: 'card' }, h('h3', {}, title), ...content);
}

function groupsPanel(store, groups) {
  return card('Latent groups: traversals and sort by activation',
    h('div', { class: 'muted small' }, 'traversal: 5 samples × values −3…+3 of the group; sort: 20 test images with the lowest / highest mean activation'),
    h('div', { class: 'group-grid' }, groups.map((g) => h('div', { class: 'group-card', dataset: { group: g.name } },
      h('h4', {}, g.name, g.range ? h('span', { class: 'muted small' }, ` dims ${g.range[0]}–${g.range[1] - 1}`) : null),
      g.traversal ? labelled('traversal', artifactImage(store, g.traversal, { maxWidth: 330 })) : null,
      g.lowest ? labelled('lowest', artifactImage(store, g.lowest, { maxWidth: 330 })) : null,
      g.highest ? labelled('highest', artifactImage(store, g.highest, { maxWidth: 330 })) : null))));
}

function labelled(label, img) {
  return h('figure', {}, h('figcaption', { class: 'muted small' }, label), img);
}

function disentanglementCard(store, artifact) {
  const box = h('div', {}, h('div', { class: 'muted small' }, 'loading…'));
  store.loadJson(artifact.path).then((d) => {
    clear(box);
    const dci = d.dci || {};
    box.append(
      h('table', { class: 'grid compact score-table' }, h('tbody', {},
        [['MIG', d.mig?.score], ['SAP', d.sap?.score], ['DCI disentanglement', dci.disentanglement],
          ['DCI completeness', dci.completeness], ['DCI informativeness', dci.informativeness]]
          .map(([k, v]) => h('tr', {}, h('td', {}, k), h('td', { class: 'num' }, fmtNumber(v)))))),
      d.slot_r2?.r2 ? slotTable(d) : null);
  }, (e) => { clear(box); box.append(h('div', { class: 'notice notice-warn small', dataset: { testid: 'notice' } }, e.message)); });
  return card(`Disentanglement (${artifact.name.replace(/^disentanglement_/, '')})`, box);
}

function slotTable(d) {
  const factors = d.factors || [];
  const names = d.slot_r2.slice_names || d.groups || [];
  return h('div', {}, h('div', { class: 'small muted' }, 'slot R² (rows: latent groups, columns: factors; test rows, may be negative)'),
    h('table', { class: 'grid compact heat' },
      h('thead', {}, h('tr', {}, h('th', {}, ''), factors.map((f) => h('th', { class: 'num' }, f)))),
      h('tbody', {}, d.slot_r2.r2.map((row, i) => h('tr', {}, h('td', {}, names[i] ?? `group ${i}`),
        row.map((v) => h('td', { class: 'num', style: { background: heat(v) } }, fmtNumber(v, 3))))))));
}

function heat(v) {
  if (typeof v !== 'number' || v <= 0) return 'transparent';
  return `rgba(31, 119, 180, ${Math.min(1, v) * 0.6})`;
}
