// The debugger's state line: running / paused / stepping (the last debug.state event), the
// step counter, the branch (`from`), the reason, what is watched and how many captures exist.
// A live run that has written no debug.state yet is running: the debugger only reports changes.

import { h, setText } from '../../ui/dom.js';

export function createDebugStateBar() {
  const badge = h('span', { class: 'badge', dataset: { testid: 'debug-state' } });
  const step = h('span', { class: 'debug-step', dataset: { testid: 'debug-step' } });
  const detail = h('span', { class: 'muted small' });
  const stepLabel = h('span', {}, 'step ');
  const el = h('div', { class: 'debug-state-bar' }, badge, h('span', {}, stepLabel, step), detail);

  // `log`: debug_events.js's fold; `liveness`: the run store's (live, completed, stale, ...).
  // Once the run has ended its last debug state no longer holds, so the badge says how it ended.
  function update(log, liveness) {
    const live = liveness === 'live' || liveness === 'stale';
    const state = live ? log.state?.state || 'running' : `run ${liveness}`;
    setText(badge, state);
    badge.className = `badge debug-badge debug-${live ? state : 'ended'}`;
    badge.dataset.state = live ? state : 'ended';
    const s = log.state;
    // After the run ended (or was resumed to its end) the debugger's step is no longer the run's.
    setText(stepLabel, live ? 'step ' : 'last debugger step ');
    const n = s?.step ?? log.captures[log.captures.length - 1]?.step;
    setText(step, n ?? '–');
    step.dataset.step = n ?? '';
    const parts = [];
    if (s?.from) parts.push(`from ${s.from}`);
    if (s?.reason) parts.push(s.reason);
    if (liveness === 'stale') parts.push('no word from the run for over a minute');
    if (log.watch?.features?.length) parts.push(`watching ${log.watch.layer ?? ''} ${log.watch.features.join(', ')}`);
    parts.push(`${log.captures.length} capture${log.captures.length === 1 ? '' : 's'}`);
    setText(detail, parts.join(' · '));
  }

  return { el, update };
}
