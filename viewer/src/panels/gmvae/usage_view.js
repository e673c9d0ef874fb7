// Component usage of one mixture_health file (a branch at an epoch end, or an evaluation): per
// component a bar of its weight p (mean soft q(c|x) over the test split) and one of its argmax
// count, with the file's summary numbers. The file is picked by the GM-VAE section's selector.

import { h, clear, setText } from '../../ui/dom.js';
import { fmtNumber } from '../../ui/format.js';
import { loadMirrored, latestOnly } from '../../data/mirrored_json.js';
import { usageBars } from './mixture_files.js';

export function createUsageView({ store }) {
  const summary = h('div', { class: 'muted small', dataset: { testid: 'usage-summary' } });
  const bars = h('div', { class: 'usage-bars', dataset: { testid: 'usage-bars' } });
  const el = h('div', { class: 'card' }, h('h3', {}, 'Component usage'), summary, bars);
  const latest = latestOnly();
  let shown = '';

  // artifact: a mixture_health entry; onData(data) gets the parsed file (the prior grids show p).
  async function show(artifact, onData) {
    if (!artifact || artifact.path === shown) return;
    const data = await latest(() => loadMirrored(store, artifact.path));
    if (!data) { setText(summary, `${artifact.path}: not in the viewer mirror yet`); return; }
    shown = artifact.path;
    onData(data);
    draw(data);
  }

  function draw(data) {
    clear(bars);
    const rows = usageBars(data);
    if (typeof rows === 'string') { setText(summary, `${shown}: ${rows}`); return; }
    setText(summary, `K = ${data.components} · n = ${data.n} (${data.dataset ?? '?'} ${data.split ?? ''}) · neff ${fmtNumber(data.neff)} · argmax neff ${fmtNumber(data.argmax_neff)} · entropy ${fmtNumber(data.entropy)} nats · pmax ${fmtNumber(data.pmax)} · mean H(q(c|x)) ${fmtNumber(data.qc_entropy_mean)}`);
    const pMax = Math.max(...rows.map((r) => r.p), 1e-12);
    const cMax = Math.max(...rows.map((r) => r.count ?? 0), 1);
    bars.append(h('div', { class: 'usage-row usage-head muted small' }, h('span', {}, 'c'), h('span', {}, 'p (mean q(c|x))'), h('span', {}, 'argmax count')));
    for (const r of rows)
      bars.append(h('div', { class: 'usage-row', dataset: { testid: 'usage-bar', component: String(r.component), p: String(r.p), count: String(r.count ?? '') } },
        h('span', { class: 'num' }, String(r.component)),
        bar(r.p / pMax, fmtNumber(r.p, 3), 'usage-p'),
        r.count === null ? h('span', { class: 'muted small' }, '–') : bar(r.count / cMax, String(r.count), 'usage-count')));
  }

  return { el, show };
}

function bar(fraction, text, cls) {
  return h('span', { class: 'usage-cell' }, h('span', { class: `usage-fill ${cls}`, style: { width: `${Math.max(0, Math.min(1, fraction)) * 100}%` } }), h('span', { class: 'usage-text' }, text));
}
