// The line a panel shows where a selection needs an artifact the run does not have: what is
// missing and the exact `acc inspect` command that writes it (selectable, with a Copy button),
// or, when `acc serve` serves the page, a Compute button that asks the server to run it. The
// result is not awaited here: its artifact.created events reach the panels through the run's
// log (the store is polled at once), and the panels then draw it in place of this line.

import { h, setText } from './dom.js';
import { servedSession, requestInspect } from '../data/served.js';
import { inspectCommand, inspectBody, runsRootOf } from '../data/inspect_request.js';

// spec: inspect_request.js's request (runId, tag, index, ...). Returns an element.
export function computeHint(store, what, spec, { testid = 'compute-hint' } = {}) {
  const command = inspectCommand(spec, runsRootOf(store.runUrl));
  const status = h('span', { class: 'small compute-status', dataset: { testid: `${testid}-status` } });
  const code = h('code', { class: 'command', dataset: { testid: `${testid}-command` } }, command);
  const copy = h('button', { type: 'button', class: 'small', title: 'copy the command', onclick: () => copyText(command, status) }, 'Copy');
  const slot = h('span', {});
  const el = h('div', { class: 'compute-hint small', dataset: { testid, missing: what } },
    h('span', { class: 'muted' }, `${what} not computed yet; `), slot, status);
  slot.append('make it with ', code, ' ', copy);
  servedSession().then((session) => {
    if (!session) return; // opened from disk: the command is the way
    const button = h('button', { type: 'button', dataset: { testid: `${testid}-compute` }, title: command, onclick: () => compute(button) }, 'Compute');
    slot.replaceChildren(button, ' ', h('span', { class: 'muted' }, '(asks acc serve to run ', code, ')'));
  });

  async function compute(button) {
    button.disabled = true;
    setText(status, ' computing…');
    status.className = 'small compute-status';
    try {
      const reply = await requestInspect(store.runId, inspectBody(spec));
      setText(status, ` done (${(reply.paths || []).length} files); loading…`);
      store.pollNow();
    } catch (e) {
      button.disabled = false;
      status.className = 'small compute-status control-error';
      setText(status, ` ${e.message}`);
    }
  }
  return el;
}

function copyText(text, status) {
  const done = () => setText(status, ' copied');
  if (navigator.clipboard?.writeText) navigator.clipboard.writeText(text).then(done, () => setText(status, ' select the command to copy it'));
  else setText(status, ' select the command to copy it');
}
