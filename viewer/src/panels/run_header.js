// The run header: id, recipe, status, start, duration, and phase progress (phases from
// phase.started events and the summary; bars from the latest train.progress events: one per
// branch still training when several write concurrently, see branch_progress.js).

import { h, setText, clear } from '../ui/dom.js';
import { fmtDuration, fmtTime, fmtNumber } from '../ui/format.js';
import { runState, runDuration } from '../ui/run_status.js';
import { foldProgress, progressBars } from './branch_progress.js';

export function createRunHeader({ store }) {
  const title = h('h1', { class: 'run-title' });
  const badge = h('span', { class: 'badge' });
  const meta = h('div', { class: 'run-meta muted small' });
  const phases = h('div', { class: 'phases' });
  const bars = h('div', { class: 'branch-bars' });
  const progress = h('div', { class: 'phase-progress', dataset: { testid: 'phase-progress' } }, phases, bars);
  const el = h('header', { class: 'run-header' }, h('div', { class: 'title-line' }, title, badge), meta, progress);

  let phaseKey = '';
  const latestProgress = new Map(); // from (null for runs without it) -> latest train.progress
  let barRows = new Map(); // key -> {fill, text} of the bars on screen
  let barKey = null;
  let scanned = 0;
  let phaseEvents = [];

  function update() {
    const s = store.summary;
    const config = store.config;
    const state = s ? runState(s, store.manifest?.updated) : store.error ? 'unreadable' : 'loading';
    setText(title, config?.recipe?.name || store.runId);
    title.title = config?.recipe?.description || '';
    setText(badge, state);
    badge.className = `badge badge-${state}`;
    setText(meta, `${store.runId} · started ${fmtTime(s?.started || s?.created)} · duration ${fmtDuration(runDuration(s, state))}` +
      (s?.reason ? ` · ${s.reason}` : '') + (s?.current_node?.tag ? ` · current node ${s.current_node.tag}` : ''));
    // Only events past the last scan are read, so long logs cost nothing per poll.
    for (; scanned < store.events.length; scanned++) {
      const e = store.events[scanned];
      if (e.type === 'phase.started') phaseEvents.push(e.payload);
      else if (e.type === 'train.progress') foldProgress(latestProgress, e);
    }
    renderPhases(s);
    renderBar(state);
  }

  function renderPhases(s) {
    const done = new Set(s?.phases_completed || []);
    const current = s?.current_phase || '';
    const names = [...new Set([...(s?.phases_completed || []), ...phaseEvents.map((p) => p.phase), ...(current ? [current] : [])])];
    const key = JSON.stringify([names, [...done], current]);
    if (key === phaseKey) return;
    phaseKey = key;
    clear(phases);
    for (const name of names) {
      const cls = name === current ? 'phase phase-current' : done.has(name) ? 'phase phase-done' : 'phase';
      phases.append(h('span', { class: cls }, (done.has(name) && name !== current ? '✓ ' : name === current ? '▸ ' : '') + name));
    }
    if (!names.length) phases.append(h('span', { class: 'muted small' }, 'no phases yet'));
  }

  function renderBar(state) {
    const shown = progressBars(latestProgress, state === 'live').filter((b) => b.payload.phase_steps);
    const key = JSON.stringify(shown.map((b) => b.key));
    if (key !== barKey) {
      barKey = key;
      barRows = new Map();
      clear(bars);
      for (const b of shown.length ? shown : [{ key: null }]) {
        const row = { fill: h('div', { class: 'bar-fill' }), text: h('div', { class: 'bar-text small' }) };
        bars.append(h('div', { class: 'branch-bar', dataset: { testid: 'progress-bar', from: b.key ?? '' } }, h('div', { class: 'bar' }, row.fill), row.text));
        barRows.set(b.key, row);
      }
    }
    if (!shown.length) {
      const row = barRows.get(null);
      row.fill.style.width = '0%';
      setText(row.text, state === 'live' ? 'waiting for training progress…' : 'no training progress recorded');
      return;
    }
    for (const { key: from, payload: p } of shown) {
      const row = barRows.get(from);
      const frac = Math.min(1, p.phase_step / p.phase_steps);
      row.fill.style.width = `${(frac * 100).toFixed(1)}%`;
      const eta = state === 'live' && frac < 1 ? ` · ETA ${fmtDuration(p.eta_seconds)}` : '';
      const branch = from ? `from ${from} · ` : '';
      setText(row.text, `${branch}train step ${p.phase_step} / ${p.phase_steps} (global step ${p.step}) · ${fmtNumber(p.steps_per_second, 3)} steps/s${eta}`);
    }
  }

  return { el, update };
}
