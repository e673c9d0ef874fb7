// The projection's own description from its file: method, n, trustworthiness, and PCA
// explained variance or UMAP parameters.
import { el, section, fmt } from './dom.js';

const UMAP_KEYS = ['n_neighbors', 'min_dist', 'spread', 'a', 'b', 'n_epochs', 'learning_rate', 'negative_sample_rate', 'init', 'seed'];

function row(table, key, value) {
  const tr = el('tr');
  tr.append(el('th', '', key), el('td', '', value));
  table.appendChild(tr);
}

export function renderProjectionMeta(host, projection, path) {
  const { box, body } = section('Projection', 'explorer-meta');
  const table = el('table', 'accx-kv');
  row(table, 'method', `${String(projection.method || '?').toUpperCase()} ${projection.dims}D`);
  row(table, 'points', fmt(projection.n));
  if (projection.dataset) row(table, 'data', `${projection.dataset} / ${projection.split || '?'}`);
  if (projection.latent_dim) row(table, 'latent dims', fmt(projection.latent_dim));
  const t = projection.trustworthiness;
  if (t) row(table, 'trustworthiness', `${fmt(t.value)} (k = ${fmt(t.k)})`);
  const evr = projection.explained_variance_ratio;
  if (Array.isArray(evr)) {
    const total = evr.reduce((s, v) => s + (Number(v) || 0), 0);
    row(table, 'explained var.', `${evr.map((v) => fmt(v, 3)).join(', ')} (Σ ${fmt(total, 3)})`);
  }
  const params = projection.params;
  if (params && typeof params === 'object') {
    for (const k of UMAP_KEYS) if (params[k] !== undefined) row(table, k, fmt(params[k]));
  }
  body.appendChild(table);
  if (path) body.appendChild(el('div', 'accx-muted accx-path', path));
  host.appendChild(box);
  return box;
}
