// Notices: one line each at the top of the page, for anything the viewer could not read or show.
// The same message is shown once (polls repeat failures), and each can be dismissed.

import { h } from './dom.js';

const shown = new Map(); // message -> element
let area = null;

export function mountNotices(container) {
  area = container;
  for (const el of shown.values()) area.append(el);
}

export function notice(message, level = 'warn') {
  const text = String(message instanceof Error ? message.message : message);
  if (shown.has(text)) return;
  const el = h('div', { class: `notice notice-${level}`, dataset: { testid: 'notice' }, role: 'status' },
    h('span', { class: 'notice-text' }, text),
    h('button', { class: 'notice-close', title: 'dismiss', onclick: () => { el.remove(); } }, '×'));
  shown.set(text, el);
  if (area) area.append(el);
}

// Removes notices when the page changes, so a runs-list notice does not follow into a run.
export function clearNotices() {
  for (const el of shown.values()) el.remove();
  shown.clear();
}
