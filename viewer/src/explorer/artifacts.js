// Sorts one node's artifact.created payloads into what the explorer can show: which
// projections exist (method x dims), and the kNN, density and distortion files that go with them.

const PROJECTION_NAME = /^latent_(2d|3d)_([a-z0-9]+)$/;
const DENSITY_NAME = /^(posterior|prior)_2d_([a-z0-9]+)$/;
const DISTORTION_NAME = /^metric_ratio_2d_([a-z0-9]+)$/;

// Several evaluations of one node announce one file each; the newest step wins (then the later event).
function newest(list) {
  let best = null;
  for (const a of list) if (!best || (a.step ?? -1) >= (best.step ?? -1)) best = a;
  return best;
}

function jsonOnly(artifacts) {
  return (artifacts || []).filter((a) => a && a.path && (a.format === 'json' || /\.json$/.test(a.path)));
}

// Returns {projections: {'pca/2': artifact, ...}, methods: [...], knn, density: {'posterior/pca'}, distortion: {'pca'}}.
export function indexArtifacts(artifacts) {
  const groups = { projection: new Map(), density: new Map(), distortion: new Map(), knn: [] };
  const add = (map, key, a) => map.set(key, [...(map.get(key) || []), a]);
  for (const a of jsonOnly(artifacts)) {
    let m;
    if (a.kind === 'projections' && (m = PROJECTION_NAME.exec(a.name))) add(groups.projection, `${m[2]}/${m[1][0]}`, a);
    else if (a.kind === 'neighbors') groups.knn.push(a);
    else if (a.kind === 'density' && (m = DENSITY_NAME.exec(a.name))) add(groups.density, `${m[1]}/${m[2]}`, a);
    else if (a.kind === 'distortion' && (m = DISTORTION_NAME.exec(a.name))) add(groups.distortion, m[1], a);
  }
  const pick = (map) => Object.fromEntries([...map].map(([k, list]) => [k, newest(list)]));
  const projections = pick(groups.projection);
  const methods = [...new Set(Object.keys(projections).map((k) => k.split('/')[0]))].sort(methodOrder);
  return {
    projections,
    methods,
    knn: newest(groups.knn),
    density: pick(groups.density),
    distortion: pick(groups.distortion),
  };
}

function methodOrder(a, b) {
  const rank = (m) => (m === 'pca' ? 0 : m === 'umap' ? 1 : 2);
  return rank(a) - rank(b) || a.localeCompare(b);
}

export function dimsAvailable(index, method) {
  return [2, 3].filter((d) => index.projections[`${method}/${d}`]);
}

// The overlays a 2D view of `method` can show, in menu order.
export function overlaysAvailable(index, method, dims) {
  if (dims !== 2) return [];
  const out = [];
  if (index.density[`posterior/${method}`]) out.push('posterior');
  if (index.density[`prior/${method}`]) out.push('prior');
  if (index.distortion[method]) out.push('distortion');
  return out;
}

export function overlayArtifact(index, method, overlay) {
  if (overlay === 'distortion') return index.distortion[method] || null;
  return index.density[`${overlay}/${method}`] || null;
}
