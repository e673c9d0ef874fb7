// The runs list of a root: one row per run from <root>/index.js, updated in place every poll,
// filtered by the query typed above it (run_query.js; kept in the hash as #/?q=...).

import { h, setText, clear } from '../ui/dom.js';
import { fmtDuration, fmtTime, fmtNumber } from '../ui/format.js';
import { runState, runDuration, keyMetrics } from '../ui/run_status.js';
import { hrefForRunDir, runHash, currentRoute } from '../route.js';
import { mountRecipeForm } from './recipe_form.js';
import { filterRuns } from './run_query.js';

const QUERY_HELP = 'field=value  field!=value  field~text  field>x >= < <=  field=a..b  words  "quoted"  (…)  or\n'
  + 'fields: status recipe id phase started reason node duration nodes, metrics as task.metric (any node) — docs/viewer.md';

export function mountRunsList(container, { indexStore, rootUrl }) {
  const status = h('div', { class: 'muted small', dataset: { testid: 'runs-count' } });
  const missing = h('div', { class: 'empty-state', hidden: true });
  const tbody = h('tbody');
  const table = h('table', { class: 'grid runs-table', dataset: { testid: 'runs-table' } },
    h('thead', {}, h('tr', {}, ['', 'run', 'started', 'duration', 'phase', 'key metrics'].map((t) => h('th', {}, t)))), tbody);
  const input = h('input', { type: 'text', placeholder: '/path/to/runs/<run_id>', class: 'path-input', name: 'run-dir' });
  const form = h('form', { class: 'open-form', onsubmit: (e) => { e.preventDefault(); if (input.value.trim()) window.location.href = hrefForRunDir(input.value.trim()); } },
    h('label', {}, 'open a run directory: ', input), h('button', { type: 'submit' }, 'open'));
  const query = mountQueryBox(() => render());
  container.append(h('h1', {}, 'Runs'), h('div', { class: 'muted small root-line' }, 'root: ', h('code', {}, decodeURI(rootUrl))), query.el, status, missing, table, form);
  mountRecipeForm(container, { rootUrl }); // served by acc serve only

  const rows = new Map();
  const render = () => {
    if (!indexStore.index && !indexStore.error) return; // typed before the first load
    if (indexStore.error && !indexStore.index) {
      missing.hidden = false;
      table.hidden = true;
      clear(missing);
      missing.append(h('p', { dataset: { testid: 'notice' }, class: 'notice notice-warn' },
        `No runs index at ${decodeURI(rootUrl)}index.js. Run \`acc viewer\` in the directory holding runs/ (it writes index.js), `,
        'or open this page with ?root=/path/to/runs or ?run=/path/to/a/run.'));
      return;
    }
    missing.hidden = true;
    table.hidden = false;
    const all = [...indexStore.runs].sort((a, b) => String(b.summary?.created || b.run_id).localeCompare(String(a.summary?.created || a.run_id)));
    const { runs, error, active } = filterRuns(query.text(), all);
    query.showError(error);
    const count = `${active ? `${runs.length} of ` : ''}${all.length} run${all.length === 1 ? '' : 's'}`;
    setText(status, `${count} · index updated ${fmtTime(indexStore.index?.updated)}`);
    const seen = new Set();
    runs.forEach((run, i) => {
      seen.add(run.run_id);
      let row = rows.get(run.run_id);
      if (!row) { row = makeRow(run.run_id); rows.set(run.run_id, row); }
      updateRow(row, run);
      if (tbody.children[i] !== row.tr) tbody.insertBefore(row.tr, tbody.children[i] || null);
    });
    for (const [id, row] of rows) if (!seen.has(id)) { row.tr.remove(); rows.delete(id); }
  };
  const unsubscribe = indexStore.subscribe(render);
  return { destroy: () => { unsubscribe(); query.destroy(); } };
}

// The query box: its text lives in the hash (#/?q=...), so a refresh or a shared link keeps
// it; typing replaces the history entry, and back/forward or an edited URL update the box.
function mountQueryBox(onChange) {
  const input = h('input', {
    type: 'search', class: 'path-input', name: 'run-query', title: QUERY_HELP, style: { width: '560px' },
    placeholder: 'filter: status=completed recipe~gating recon.psnr>15 or digit.accuracy>=0.9',
    dataset: { testid: 'runs-query' }, value: currentRoute().params.q || '',
  });
  const error = h('div', { class: 'notice notice-warn', style: { marginTop: '4px' }, dataset: { testid: 'runs-query-error' }, role: 'status', hidden: true });
  input.addEventListener('input', () => {
    const params = new URLSearchParams(currentRoute().params);
    if (input.value.trim()) params.set('q', input.value); else params.delete('q');
    const qs = params.toString();
    history.replaceState(null, '', `#/${qs ? `?${qs}` : ''}`);
    onChange();
  });
  const fromUrl = () => {
    const route = currentRoute();
    const q = route.params.q || '';
    if (route.page === 'runs' && q !== input.value) { input.value = q; onChange(); }
  };
  window.addEventListener('hashchange', fromUrl);
  window.addEventListener('popstate', fromUrl);
  return {
    el: h('div', { class: 'runs-query', style: { margin: '8px 0 4px' } }, h('label', {}, 'query: ', input), error),
    text: () => input.value,
    showError(e) {
      error.hidden = !e;
      setText(error, e ? `Query not applied (showing every run): ${e.message}` : '');
      input.setAttribute('aria-invalid', e ? 'true' : 'false');
    },
    destroy() { window.removeEventListener('hashchange', fromUrl); window.removeEventListener('popstate', fromUrl); },
  };
}

function makeRow(runId) {
  const cells = { state: h('td', {}), run: h('td', {}), start: h('td', { class: 'nowrap' }), duration: h('td', { class: 'num nowrap' }), phase: h('td', {}), metrics: h('td', { class: 'small' }) };
  const link = h('a', { href: runHash(runId, { view: 'overview' }) });
  const name = h('div', { class: 'run-name' });
  const id = h('div', { class: 'muted small' }, runId);
  link.append(name, id);
  cells.run.append(link);
  const badge = h('span', { class: 'badge' });
  cells.state.append(badge);
  const tr = h('tr', { dataset: { testid: 'run-row', runId } }, Object.values(cells));
  tr.addEventListener('click', (e) => { if (e.target.tagName !== 'A') window.location.hash = link.getAttribute('href'); });
  return { tr, cells, name, badge };
}

function updateRow(row, run) {
  const s = run.summary;
  const state = s ? runState(s, run.updated) : 'unreadable';
  setText(row.badge, state);
  row.badge.className = `badge badge-${state}`;
  setText(row.name, run.recipe?.name || '(unknown recipe)');
  row.name.title = run.recipe?.description || '';
  row.cells.run.title = run.error || '';
  setText(row.cells.start, fmtTime(s?.started || s?.created));
  setText(row.cells.duration, fmtDuration(runDuration(s, state)));
  const lastPhase = (s?.phases_completed || []).slice(-1)[0];
  setText(row.cells.phase, s ? (s.current_phase || (lastPhase ? `done (${lastPhase})` : '–')) : run.error || '–');
  const metrics = keyMetrics(s).map((m) => `${m.name} ${fmtNumber(m.value)}`).join(' · ');
  const tag = keyMetrics(s)[0]?.tag;
  setText(row.cells.metrics, metrics ? `${tag}: ${metrics}` : '–');
}
