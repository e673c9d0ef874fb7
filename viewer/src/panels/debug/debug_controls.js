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
      await controlRun(store.runId, cmd, args);
      store.pollNow(); // the run's answer is in its events: show it without waiting for the timer
    } catch (e) {
      setText(error, `${cmd}: ${e.message}`);
    } finally {
      busy = false;
      refresh();
    }
  }

  function refresh() {
    pause.disabled = busy || state === 'paused';
    resume.disabled = busy || state === 'running';
    step.disabled = busy || state !== 'paused';
    cancel.disabled = busy;
    for (const b of [watch, unwatch, trajectories]) b.disabled = busy;
  }

  // `debugState`: running | paused | stepping (debug_state_bar.js's reading of the events).
  function update(debugState) {
    state = debugState || 'running';
    refresh();
  }

  refresh();
  return { el, update };
}
