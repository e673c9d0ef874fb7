// "Run a recipe" on the runs list, only when the page is served by `acc serve`: pick a recipe
// (GET /api/recipes), edit its vars, Run → POST /api/runs → open the new run's page once its
// viewer mirror exists (before that the run page would only show "missing" notices). The run
// page then grows live as the run writes.

import { h, setText, clear } from '../ui/dom.js';
import { servedSession, apiGet, apiPost } from '../data/served.js';
import { runHash } from '../route.js';

const MIRROR_WAIT_MS = 30000;

// Vars whose text differs from the recipe's default, as `--set` would take them.
export function changedVars(defaults, edited) {
  const out = {};
  for (const [k, v] of Object.entries(edited)) if (String(defaults[k] ?? '') !== v) out[k] = v;
  return out;
}

export function mountRecipeForm(container, { rootUrl }) {
  const slot = h('div', {});
  container.append(slot);
  servedSession().then((session) => { if (session) build(slot, rootUrl); });
}

async function build(slot, rootUrl) {
  const select = h('select', { dataset: { testid: 'recipe-select' } });
  const description = h('div', { class: 'muted small' });
  const vars = h('div', { class: 'recipe-vars' });
  const status = h('span', { class: 'small', dataset: { testid: 'recipe-status' } });
  const run = h('button', { type: 'submit', dataset: { testid: 'recipe-run' } }, 'Run');
  const form = h('form', { class: 'recipe-form panel', dataset: { testid: 'recipe-form' } },
    h('h2', {}, 'Run a recipe'), h('label', { class: 'control' }, 'recipe ', select), description, vars, h('div', { class: 'control-row' }, run, status));
  slot.append(form);
  let recipes = [];
  let inputs = new Map(); // var -> <input>
  try {
    recipes = (await apiGet('recipes'))?.recipes || [];
  } catch (e) {
    setText(status, e.message);
    status.className = 'small control-error';
    run.disabled = true;
    return;
  }
  for (const r of recipes) select.append(h('option', { value: r.name }, r.error ? `${r.name} (does not parse)` : r.name));
  const current = () => recipes.find((r) => r.name === select.value);
  function showVars() {
    const r = current();
    setText(description, r?.error ? `${r.path || r.name}: ${r.error}` : r?.description || '');
    description.className = r?.error ? 'small control-error' : 'muted small';
    run.disabled = !r || !!r.error;
    clear(vars);
    inputs = new Map();
    for (const [name, value] of Object.entries(r?.vars || {})) {
      const input = h('input', { type: 'text', value: String(value), name, id: `recipe-var-${name}`, dataset: { testid: 'recipe-var', var: name } });
      inputs.set(name, input);
      vars.append(h('label', { for: input.id }, name), input);
    }
  }
  select.addEventListener('change', showVars);
  showVars();

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const r = current();
    if (!r) return;
    run.disabled = true;
    status.className = 'small';
    setText(status, 'starting…');
    try {
      const edited = Object.fromEntries([...inputs].map(([k, input]) => [k, input.value]));
      const { run_id: runId, log } = await apiPost('runs', { recipe: r.name, vars: changedVars(r.vars || {}, edited) });
      if (!runId) throw new Error('the server did not say which run it started');
      clear(status);
      // The run's own failures (missing data, ...) land in its log, not in this reply.
      status.append(`started ${runId}; waiting for its first files…`, log ? h('span', {}, ' (', h('a', { href: log, target: '_blank' }, 'its output'), ')') : '');
      await waitForMirror(`${rootUrl}${encodeURIComponent(runId)}/web/manifest.js`);
      window.location.hash = runHash(runId, { view: 'overview' });
    } catch (err) {
      const log = status.querySelector('a'); // the run's output, when it started but wrote no mirror
      status.className = 'small control-error';
      clear(status);
      status.append(err.message, log ? h('span', {}, ' — see ', log) : '');
      run.disabled = false;
    }
  });
}

// Served pages may fetch(), so the new run's manifest is probed directly.
async function waitForMirror(url) {
  const start = Date.now();
  while (Date.now() - start < MIRROR_WAIT_MS) {
    const res = await fetch(`${url}?t=${Date.now()}`, { method: 'HEAD' }).catch(() => null);
    if (res?.ok) return;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`the run wrote no viewer mirror within ${MIRROR_WAIT_MS / 1000} s (${url})`);
}
