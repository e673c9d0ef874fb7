// Buttons that steer a live run through `acc serve` (POST /api/runs/<id>/control, see
// data/served.js): pause, resume, step N (only while paused), cancel, watch/unwatch features,
// write the trajectories file. Built only when the page is served, so a page opened from
// file:// has none. A failed command shows the run's or the server's error beside the buttons.

import { h, setText } from '../../ui/dom.js';
import { controlRun } from '../../data/served.js';

export function parseFeatureIds(text) {
  const parts = String(text).split(/[\s,]+/).filter(Boolean);
  const ids = parts.map(Number);
  if (!ids.length || ids.some((n) => !Number.isInteger(n) || n < 0)) return null;
  return ids;
}

// The state in a command's reply (docs/debugger.md: `{paused, stepping_left, ...}`), so the
// buttons follow the run at once instead of after the next poll (a second Step click while
// the run is still stepping would only earn an error).
export function replyState(result) {
  if (!result || typeof result.paused !== 'boolean') return null;
  if (result.stepping_left > 0) return 'stepping';
  return result.paused ? 'paused' : 'running';
}

export function createDebugControls({ store }) {
  const error = h('span', { class: 'control-error small', dataset: { testid: 'debug-control-error' } });
  const stepCount = h('input', { type: 'number', min: '1', value: '1', class: 'step-count', dataset: { testid: 'debug-step-count' }, title: 'optimiser steps per click' });
  const watchInput = h('input', { type: 'text', placeholder: 'feature ids: 3,17,42', class: 'watch-input', dataset: { testid: 'debug-watch-input' } });
  const button = (label, testid, onclick, title) => h('button', { type: 'button', dataset: { testid }, title, onclick }, label);
  const pause = button('Pause', 'debug-pause', () => send('pause'), 'stop at the next step boundary, with its batch captured');
  const resume = button('Resume', 'debug-resume', () => send('resume'), 'continue at full speed (captures stop)');
  const step = button('Step', 'debug-step-button', () => {
    const n = Number(stepCount.value);
    if (!Number.isInteger(n) || n < 1) return setText(error, 'step count: a whole number ≥ 1');
    send('step', { n });
  }, 'advance exactly N optimiser steps, capturing each, then pause');
  const cancel = button('Cancel run', 'debug-cancel', () => {
    if (window.confirm(`Cancel ${store.runId}? Its state is saved as a node.`)) send('cancel');
  }, 'end the run as cancelled (its state is saved as a node)');
  const watch = button('Watch', 'debug-watch', () => sendWatch('watch'), 'record these features of the first debug layer at every step');
  const unwatch = button('Unwatch', 'debug-unwatch', () => sendWatch('unwatch'), 'stop recording them (their records are kept)');
  const trajectories = button('Write trajectories', 'debug-write-trajectories', () => send('trajectories'), 'write debug/trajectories.json now');
  const el = h('div', { class: 'debug-controls', dataset: { testid: 'debug-controls' } },
    h('div', { class: 'control-row' }, pause, resume, stepCount, step, cancel),
    h('div', { class: 'control-row' }, watchInput, watch, unwatch, trajectories),
    error);
  let state = 'running';
  let version = -1; // of the debug log the state was read from
  let replied = null; // {state, version}: the run's own reply, until a newer debug event arrives
  let busy = false;

  function sendWatch(cmd) {
    const ids = parseFeatureIds(watchInput.value);
    if (!ids) return setText(error, 'feature ids: whole numbers separated by commas, e.g. 3,17,42');
    send(cmd, { features: ids });
  }

  async function send(cmd, args = {}) {
    busy = true;
    setText(error, '');
    refresh();
    try {
      const result = await controlRun(store.runId, cmd, args);
      const now = replyState(result);
      if (now) replied = { state: now, version };
      store.pollNow(); // the run's answer is in its events: show it without waiting for the timer
    } catch (e) {
      setText(error, `${cmd}: ${e.message}`);
    } finally {
      busy = false;
      refresh();
    }
  }

  function refresh() {
    const current = replied && replied.version === version ? replied.state : state;
    pause.disabled = busy || current === 'paused';
    resume.disabled = busy || current === 'running';
    step.disabled = busy || current !== 'paused';
    cancel.disabled = busy;
    for (const b of [watch, unwatch, trajectories]) b.disabled = busy;
  }

  // `debugState`: running | paused | stepping, from the last debug.state event; `logVersion`:
  // debug_events.js's version, so a reply older than the latest event no longer counts.
  function update(debugState, logVersion) {
    state = debugState || 'running';
    version = logVersion;
    refresh();
  }

  refresh();
  return { el, update };
}
