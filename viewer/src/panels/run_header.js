// The run header: id, recipe, status, start, duration, and phase progress (phases from
// phase.started events and the summary; a bar from the latest train.progress event).

import { h, setText, clear } from '../ui/dom.js';
import { fmtDuration, fmtTime, fmtNumber } from '../ui/format.js';
import { runState, runDuration } from '../ui/run_status.js';

export function createRunHeader({ store }) {
  const title = h('h1', { class: 'run-title' });
  const badge = h('span', { class: 'badge' });
  const meta = h('div', { class: 'run-meta muted small' });
  const phases = h('div', { class: 'phases' });
  const bar = h('div', { class: 'bar-fill' });
  const barText = h('div', { class: 'bar-text small' });
  const progress = h('div', { class: 'phase-progress', dataset: { testid: 'phase-progress' } },
    phases, h('div', { class: 'bar' }, bar), barText);
  const el = h('header', { class: 'run-header' }, h('div', { class: 'title-line' }, title, badge), meta, progress);

  let phaseKey = '';
  let lastProgress = null;
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
      else if (e.type === 'train.progress') lastProgress = e.payload;
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
    const p = lastProgress;
    if (!p || !p.phase_steps) {
      bar.style.width = '0%';
      setText(barText, state === 'live' ? 'waiting for training progress…' : 'no training progress recorded');
      return;
    }
    const frac = Math.min(1, p.phase_step / p.phase_steps);
    bar.style.width = `${(frac * 100).toFixed(1)}%`;
    const eta = state === 'live' && frac < 1 ? ` · ETA ${fmtDuration(p.eta_seconds)}` : '';
    setText(barText, `train step ${p.phase_step} / ${p.phase_steps} (global step ${p.step}) · ${fmtNumber(p.steps_per_second, 3)} steps/s${eta}`);
  }

  return { el, update };
}
