// The "Traversal effects (<dataset>)" card of the evaluation panels: the judge classifier's
// line, a table (per latent group: slope and R² of each measured factor against the traversal
// value, the best R² per measure highlighted, the digit-kept rate), small inline-SVG line
// charts (a measure's mean over the traversal values, one line per group) and the artifact's
// PNG. The numbers come from traversal_effects.js; nothing is recomputed here.

import { h, clear } from '../ui/dom.js';
import { svg } from '../ui/svg.js';
import { fmtNumber } from '../ui/format.js';
import { traversalEffectsModel, chartSeries, segments, yDomain } from './traversal_effects.js';
import { artifactImage } from './node_images.js';

// entry: {dataset, json: artifact, png: path | null} (node_images.js).
export function traversalEffectsCard(store, entry) {
  const box = h('div', {}, h('div', { class: 'muted small' }, 'loading…'));
  const card = h('div', { class: 'card', dataset: { testid: 'traversal-effects', dataset: entry.dataset } },
    h('h3', {}, `Traversal effects (${entry.dataset})`), box);
  store.loadJson(entry.json.path).then((d) => {
    const model = traversalEffectsModel(d, entry.json.path);
    clear(box);
    // h() skips null children (box.append would print "null").
    box.append(h('div', {},
      model.warning ? warn(model.warning) : null,
      judgeLine(model),
      h('div', { class: 'muted small' }, `${model.split || 'test'} split, ${fmtNumber(model.n)} images; each group traversed over ${model.values.filter((v) => v !== null).map((v) => fmtNumber(v, 3)).join(', ')}. `
        + 'Slope: change of the measure per unit of traversal value; R²: within-image R² of that linear fit (best per measure in bold); '
        + 'digit kept: share of decoded images the judge still reads as the input\'s digit.'),
      effectsTable(model),
      chartsRow(model),
      entry.png || model.plot ? h('figure', {}, h('figcaption', { class: 'muted small' }, 'the artifact\'s plot'), artifactImage(store, entry.png || model.plot, { maxWidth: 900 })) : null));
  }).catch((e) => { clear(box); box.append(warn(e.message)); });
  return card;
}

function warn(text) {
  return h('div', { class: 'notice notice-warn small', dataset: { testid: 'notice' } }, text);
}

const pct = (v) => (v === null ? '–' : `${fmtNumber(100 * v, 3)}%`);

function judgeLine({ judge }) {
  if (!judge) return h('div', { class: 'muted small', dataset: { testid: 'traversal-judge' } }, 'no judge classifier: digit-kept rates are not available');
  const parts = [`judge classifier '${judge.tag}'`, judge.model ? ` (${judge.model})` : '', `: test accuracy ${pct(judge.accuracy)}`,
    judge.nTest !== null ? ` on ${fmtNumber(judge.nTest)} images` : '', judge.required !== null ? `, required ${pct(judge.required)}` : ''];
  const bad = judge.meets === false;
  return h('div', {
    class: bad ? 'notice notice-warn small' : 'small',
    dataset: { testid: 'traversal-judge', meets: String(judge.meets) },
    title: judge.node ? `judge node ${judge.node}` : undefined,
  }, parts.join(''), bad ? ' — below the requirement: digit-kept rates are unreliable' : '');
}

function effectsTable(model) {
  const { measures, groups, baseline } = model;
  const head1 = h('tr', {}, h('th', { rowspan: 2 }, 'group'),
    measures.map((m, k) => h('th', { colspan: 2, class: 'num', title: `mean over the undisturbed reconstructions: ${fmtNumber(baseline[k], 3)}${m.unit ? ' ' + m.unit : ''}` },
      m.unit ? `${m.name} (${m.unit})` : m.name)),
    h('th', { rowspan: 2, class: 'num' }, 'digit kept'));
  const head2 = h('tr', {}, measures.map(() => [h('th', { class: 'num' }, 'slope'), h('th', { class: 'num' }, 'R²')]));
  const rows = groups.map((g) => h('tr', { dataset: { group: g.name } },
    h('td', {}, h('span', { class: 'te-swatch', style: { background: g.color } }), g.name,
      g.start !== null && g.end !== null ? h('span', { class: 'muted small' }, ` dims ${g.start}–${g.end - 1}`) : null),
    measures.map((m, k) => [
      h('td', { class: 'num', dataset: { measure: m.name, slope: String(g.slope[k]) } }, fmtNumber(g.slope[k], 3)),
      h('td', { class: g.best[k] ? 'num te-best' : 'num', dataset: { measure: m.name, r2: String(g.r2[k]), best: g.best[k] ? '1' : '0' } }, fmtNumber(g.r2[k], 2)),
    ]),
    h('td', { class: 'num', dataset: { kept: String(g.keptRate) }, title: emptyTitle(g) }, pct(g.keptRate))));
  return h('div', { class: 'table-scroll' }, h('table', { class: 'grid compact te-table', dataset: { testid: 'traversal-effects-table' } },
    h('thead', {}, head1, head2), h('tbody', {}, rows)));
}

function emptyTitle(g) {
  const empty = g.empty.reduce((s, v) => s + (v || 0), 0);
  return empty ? `${empty} decoded images were empty (nothing to measure) over the traversal` : undefined;
}

function chartsRow(model) {
  if (!model.values.some((x) => x !== null)) return null;
  const charts = model.measures.map((m, k) => lineChart(`${m.name}${m.unit ? ` (${m.unit})` : ''}`, m.name, model.values, chartSeries(model, k), model.baseline[k]));
  if (model.groups.some((g) => g.kept.some((v) => v !== null))) charts.push(lineChart('digit kept', 'digit_kept', model.values, chartSeries(model, 'kept'), null, [0, 1]));
  const legend = h('div', { class: 'te-legend small' }, model.groups.map((g) => h('span', {}, h('span', { class: 'te-swatch', style: { background: g.color } }), g.name)),
    h('span', { class: 'muted' }, '- - - reconstruction (no traversal)'));
  return h('div', {}, legend, h('div', { class: 'te-charts' }, charts));
}

const W = 210;
const H = 140;
const M = { left: 38, right: 8, top: 16, bottom: 22 };

// One small chart: x = traversal value, y = the measure's mean over the images.
function lineChart(title, key, xs, series, baseline, fixedDomain) {
  const finiteX = xs.filter((x) => x !== null);
  const x0 = Math.min(...finiteX);
  const x1 = Math.max(...finiteX);
  const [y0, y1] = fixedDomain || yDomain(series, [baseline]);
  const px = (x) => M.left + (x1 > x0 ? (x - x0) / (x1 - x0) : 0.5) * (W - M.left - M.right);
  const py = (y) => H - M.bottom - ((y - y0) / (y1 - y0)) * (H - M.top - M.bottom);
  const items = [
    svg('text', { x: M.left, y: 11, class: 'te-title' }, title),
    svg('rect', { x: M.left, y: M.top, width: W - M.left - M.right, height: H - M.top - M.bottom, class: 'te-frame' }),
    svg('text', { x: M.left - 3, y: M.top + 8, class: 'te-tick', 'text-anchor': 'end' }, fmtNumber(y1, 3)),
    svg('text', { x: M.left - 3, y: H - M.bottom, class: 'te-tick', 'text-anchor': 'end' }, fmtNumber(y0, 3)),
    svg('text', { x: M.left, y: H - 8, class: 'te-tick' }, fmtNumber(x0, 3)),
    svg('text', { x: W - M.right, y: H - 8, class: 'te-tick', 'text-anchor': 'end' }, fmtNumber(x1, 3)),
  ];
  if (x0 < 0 && x1 > 0) items.push(svg('line', { x1: px(0), x2: px(0), y1: M.top, y2: H - M.bottom, class: 'te-zero' }));
  if (baseline !== null) items.push(svg('line', { x1: M.left, x2: W - M.right, y1: py(baseline), y2: py(baseline), class: 'te-baseline' }));
  for (const s of series) {
    for (const run of segments(s.points)) {
      const d = run.map(([x, y], i) => `${i ? 'L' : 'M'}${px(x).toFixed(1)},${py(y).toFixed(1)}`).join('');
      items.push(svg('path', { d, stroke: s.color, class: 'te-line' }, svg('title', {}, s.name)));
      for (const [x, y] of run) items.push(svg('circle', { cx: px(x).toFixed(1), cy: py(y).toFixed(1), r: 1.8, fill: s.color }, svg('title', {}, `${s.name}: ${fmtNumber(y, 3)} at ${fmtNumber(x, 3)}`)));
    }
  }
  return svg('svg', {
    width: W, height: H, viewBox: `0 0 ${W} ${H}`, class: 'te-chart',
    dataset: { testid: 'traversal-effects-chart', measure: key, series: String(series.length) },
  }, items);
}
