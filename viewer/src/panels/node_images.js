// Collects a node's image artifacts by role: reconstructions, attention, per latent group its
// traversal and sort-by-activation grids, and the traversal-effects files per dataset. Group
// names and images come from traversals.json and sort_by_activation.json when mirrored, else
// from the artifact.created events' names.

import { h } from '../ui/dom.js';

export async function nodeImages(store, node) {
  const artifacts = store.artifactsFor(node);
  const byName = new Map(artifacts.filter((a) => a.format === 'json').map((a) => [a.name, a]));
  // traversal_effects_<dataset> (json + png) is not the traversal grid of a group 'effects_<dataset>'.
  const effects = artifacts.filter((a) => a.format === 'json' && /^traversal_effects_./.test(a.name)).map((a) => ({
    dataset: a.name.slice('traversal_effects_'.length),
    json: a,
    png: artifacts.find((p) => p.name === a.name && p.format === 'png')?.path || null,
  }));
  const effectNames = new Set(effects.map((e) => e.json.name));
  const groups = new Map();
  const group = (name) => { if (!groups.has(name)) groups.set(name, { name }); return groups.get(name); };
  for (const a of artifacts) {
    if (a.format !== 'png' || effectNames.has(a.name)) continue;
    let m;
    if ((m = a.name.match(/^traversal_(.+)$/))) group(m[1]).traversal = a.path;
    else if ((m = a.name.match(/^sort_(lowest|highest)_(.+)$/))) group(m[2])[m[1]] = a.path;
  }
  const trav = byName.get('traversals');
  if (trav) {
    try {
      const json = await store.loadJson(trav.path);
      for (const g of json.groups || []) { if (g.image) group(g.name).traversal = g.image; group(g.name).range = [g.start, g.end]; }
    } catch { /* the notice names the file; the event names still give the images */ }
  }
  const sort = byName.get('sort_by_activation');
  if (sort) {
    try {
      const json = await store.loadJson(sort.path);
      for (const g of json.groups || []) {
        if (g.lowest?.image) group(g.name).lowest = g.lowest.image;
        if (g.highest?.image) group(g.name).highest = g.highest.image;
      }
    } catch { /* as above */ }
  }
  return {
    reconstructions: artifacts.find((a) => a.name === 'reconstructions' && a.format === 'png')?.path,
    attention: artifacts.find((a) => a.name === 'attention' && a.format === 'png')?.path,
    disentanglement: artifacts.filter((a) => a.name.startsWith('disentanglement_') && a.format === 'json'),
    traversalEffects: effects,
    groups: [...groups.values()],
  };
}

// <img> of a run file, shown pixelated at an integer scale that fits `maxWidth`.
export function artifactImage(store, path, { maxWidth = 520, alt = '' } = {}) {
  const img = h('img', { class: 'artifact', src: store.runUrl + path.split('/').map(encodeURIComponent).join('/'), alt: alt || path, title: path, dataset: { testid: 'artifact-image' }, loading: 'eager' });
  img.addEventListener('load', () => {
    const scale = Math.max(1, Math.min(4, Math.floor(maxWidth / img.naturalWidth)));
    img.style.width = `${img.naturalWidth * scale}px`;
  });
  img.addEventListener('error', () => img.replaceWith(h('div', { class: 'notice notice-warn small', dataset: { testid: 'notice' } }, `${path}: image missing or unreadable`)));
  return img;
}
