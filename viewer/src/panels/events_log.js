// The events log: seq, time, type, payload summary; filter by type (with counts) and by text.
// Only the rows in view are in the DOM (fixed row height), so 20k events stay responsive; while
// the view is at the bottom it follows new events.

import { h, setText } from '../ui/dom.js';

const ROW_HEIGHT = 22;
const OVERSCAN = 20;

export function createEventsLog({ store }) {
  const typeBox = h('div', { class: 'type-filters' });
  const text = h('input', { type: 'search', placeholder: 'filter text…', class: 'filter-text', oninput: () => { clearTimeout(typing); typing = setTimeout(refilter, 120); } }); // typing in 20k events stays smooth
  let typing = null;
  const countLine = h('span', { class: 'muted small' });
  const topCell = h('td', { colspan: 4 });
  const bottomCell = h('td', { colspan: 4 });
  const topPad = h('tr', { class: 'pad' }, topCell);
  const bottomPad = h('tr', { class: 'pad' }, bottomCell);
  const tbody = h('tbody', {}, topPad, bottomPad);
  const table = h('table', { class: 'grid compact events-table', dataset: { testid: 'events-table' } },
    h('thead', {}, h('tr', {}, h('th', { class: 'num' }, 'seq'), h('th', {}, 'time'), h('th', {}, 'type'), h('th', {}, 'payload'))), tbody);
  const scroller = h('div', { class: 'events-scroll', onscroll: () => renderRows() }, table);
  const el = h('section', { class: 'panel events-panel' },
    h('div', { class: 'panel-head' }, h('h2', {}, 'Events'), text, countLine), typeBox, scroller);

  const hidden = new Set(['heartbeat']); // hidden by default: noise
  const typeInputs = new Map(); // type -> {input, count}
  let filtered = [];
  let scanned = 0;
  let counts = new Map();
  let renderedRange = '';

  function update() {
    for (; scanned < store.events.length; scanned++) {
      const t = store.events[scanned].type;
      counts.set(t, (counts.get(t) || 0) + 1);
    }
    for (const [type, n] of [...counts].sort()) {
      let entry = typeInputs.get(type);
      if (!entry) {
        const input = h('input', { type: 'checkbox', checked: !hidden.has(type), onchange: () => { input.checked ? hidden.delete(type) : hidden.add(type); refilter(); } });
        const count = h('span', { class: 'muted' });
        const label = h('label', { class: 'type-filter' }, input, ` ${type} `, count);
        entry = { input, count, label };
        typeInputs.set(type, entry);
        const after = [...typeBox.children].find((c) => c.textContent.trim() > ` ${type}`.trim());
        typeBox.insertBefore(label, after || null);
      }
      setText(entry.count, `(${n})`);
    }
    const atBottom = scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - ROW_HEIGHT * 2;
    refilter();
    if (atBottom) scroller.scrollTop = scroller.scrollHeight;
  }

  function matches(e) {
    if (hidden.has(e.type)) return false;
    const q = text.value.trim().toLowerCase();
    if (!q) return true;
    return (e.type + ' ' + summary(e)).toLowerCase().includes(q);
  }

  function refilter() {
    filtered = store.events.filter(matches);
    setText(countLine, `${filtered.length} of ${store.events.length} events`);
    renderedRange = '';
    renderRows();
  }

  function renderRows() {
    const height = scroller.clientHeight || 600;
    const first = Math.max(0, Math.floor(scroller.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(filtered.length, Math.ceil((scroller.scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
    const key = `${first}:${last}:${filtered.length}`;
    if (key === renderedRange) return;
    renderedRange = key;
    while (topPad.nextSibling !== bottomPad) topPad.nextSibling.remove();
    topCell.style.height = `${first * ROW_HEIGHT}px`;
    bottomCell.style.height = `${(filtered.length - last) * ROW_HEIGHT}px`;
    const frag = document.createDocumentFragment();
    for (let i = first; i < last; i++) frag.append(row(filtered[i]));
    tbody.insertBefore(frag, bottomPad);
  }

  return {
    el,
    update: (c) => { if (!c || c.events || c.first) update(); },
    shown: () => { renderedRange = ''; renderRows(); },
  };
}

function row(e) {
  const s = summary(e);
  return h('tr', { class: e.malformed ? 'malformed' : '', dataset: { testid: 'event-row', type: e.type } },
    h('td', { class: 'num' }, e.seq ?? `line ${e.line}`),
    h('td', { class: 'nowrap small' }, e.time ? e.time.replace('T', ' ').replace('Z', '') : ''),
    h('td', { class: 'nowrap' }, h('span', { class: `etype etype-${e.type.split('.')[0]}` }, e.type)),
    h('td', { class: 'payload', title: s }, s));
}

const summaries = new WeakMap();
function summary(e) {
  if (summaries.has(e)) return summaries.get(e);
  let s;
  if (e.type === 'log') s = e.payload.message || '';
  else {
    const json = JSON.stringify(e.payload);
    s = json.length > 300 ? json.slice(0, 300) + '…' : json;
    s = s.replace(/^\{|\}$/g, '').replace(/"([^"]+)":/g, '$1: ');
  }
  summaries.set(e, s);
  return s;
}
