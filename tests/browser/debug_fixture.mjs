// Hand-made debugger output (docs/debugger.md, "Files" and "Events") added to a finished
// fixture run, so the debug section can be checked from file:// without a live run: captures
// of a few steps of one branch with every file kind, a watch and a trajectories file, each JSON
// announced by artifact.created so `acc viewer` mirrors it. The numbers are made up; what
// matters is that each file has the documented shape and each step looks different.

import fs from 'node:fs';
import path from 'node:path';
import { encodePng } from './png_writer.mjs';
import { readEvents, rewriteMirror } from './fixture_runs.mjs';

// `layer` has every file; `secondLayer` only a feature table (no force view: not a first layer).
export const DEBUG_FIXTURE = { from: 'init', layer: 'encoder.conv1', secondLayer: 'encoder.conv2', features: 8, steps: [5, 6, 7], watched: [1, 4] };
const STATUS = ['winner', 'dead', 'contender', 'contender', 'winner', 'contender', 'dead', 'contender'];
const COLUMNS = ['win_rate', 'usage', 'grad_magnitude', 'gate', 'gated_grad_magnitude', 'activation_mean', 'dead', 'novelty', 'status'];

// Adds the captures and rewrites the run's mirror; returns {captures: [{step, dir}], layer, ...}.
export async function addDebugFixture(runDir, spec = DEBUG_FIXTURE) {
  const events = readEvents(runDir);
  const out = [];
  const emit = (type, payload) => out.push({ time: new Date().toISOString(), type, payload });
  const writeJson = (rel, data, name) => {
    fs.mkdirSync(path.dirname(path.join(runDir, rel)), { recursive: true });
    fs.writeFileSync(path.join(runDir, rel), JSON.stringify(data));
    emit('artifact.created', { kind: 'debug', name, node: null, tag: spec.from, step: data.step ?? null, path: rel, latest: rel, format: 'json' });
  };
  const writePng = (rel, w, h, pixel) => fs.writeFileSync(path.join(runDir, rel), encodePng(w, h, pixel));
  const captures = [];
  for (const step of spec.steps) {
    const dir = `debug/${spec.from}/step_${step}`;
    fs.mkdirSync(path.join(runDir, dir), { recursive: true });
    // A 4 x 2 grid of 8-pixel cells whose colours shift with the step.
    writePng(`${dir}/batch.png`, 32, 16, (x, y) => [(x * 8 + step * 40) % 256, (y * 16) % 256, (step * 70) % 256]);
    writeJson(`${dir}/batch.json`, { step, from: spec.from, dataset: 'shapes', size: 8, cols: 4, rows: 2, cell: 8,
      indices: [...Array(8).keys()].map((i) => i + 8 * step), labels: [0, 1, 2, 0, 1, 2, 0, 1], losses: { recon: 0.5 / step, kl: 0.01 * step }, loss: 0.5 / step + 0.00001 * step }, 'batch');
    const rows = [...Array(spec.features).keys()].map((c) => ({ feature: c, win_rate: STATUS[c] === 'winner' ? 0.3 + c / 100 : STATUS[c] === 'dead' ? 0 : 0.05 * c / step,
      usage: 0.1 * c, grad_magnitude: 0.01 * (c + step), gate: 1, gated_grad_magnitude: 0.01 * (c + step), activation_mean: STATUS[c] === 'dead' ? 0 : 0.2 * c,
      dead: STATUS[c] === 'dead', novelty: 1 - 0.1 * c, status: STATUS[c] }));
    const counts = Object.fromEntries(['dead', 'winner', 'contender'].map((s) => [s, STATUS.filter((x) => x === s).length]));
    const stat = (fn) => Object.fromEntries(COLUMNS.filter((k) => k !== 'status' && k !== 'dead').map((k) => [k, fn(rows.map((r) => r[k]))]));
    for (const layer of [spec.layer, spec.secondLayer])
      writeJson(`${dir}/features.${layer}.json`, { layer, step, from: spec.from, features: spec.features, gated: false, gate: null,
        thresholds: { winner_win_rate: 2 / spec.features }, columns: COLUMNS, rows,
        summary: { mean: stat((v) => v.reduce((a, b) => a + b, 0) / v.length), min: stat((v) => Math.min(...v)), max: stat((v) => Math.max(...v)), counts } }, `features.${layer}`);
    // Sprite sheets: 4 x 2 tiles of 3 x 3 pixels; tile c is coloured by c so crops are checkable.
    const images = {};
    for (const what of ['weight', 'plain', 'gated', 'applied']) {
      images[what] = `force.${spec.layer}.${what}.png`;
      writePng(`${dir}/${images[what]}`, 12, 6, (x, y) => { const c = Math.floor(x / 3) + 4 * Math.floor(y / 3); return [c * 30, 255 - c * 30, what.length * 20]; });
    }
    writeJson(`${dir}/force.${spec.layer}.json`, { layer: spec.layer, step, lr: 0.001, tile: { w: 3, h: 3 }, sheet: { cols: 4, rows: 2 }, images,
      features: rows.map((r) => ({ feature: r.feature, cos_plain_gated: 1, cos_gated_applied: 0.5 - r.feature / 20, norm: { weight: 1 + r.feature, plain: 0.1, gated: 0.1, applied: 0.01 } })),
      summary: { agree: spec.features, oppose: 0, neutral: 0 } }, `force.${spec.layer}`);
    for (const source of ['weights', 'gradients']) {
      const matrix = rows.map((a) => rows.map((b) => (a.feature === b.feature ? 1 : Math.cos(a.feature * b.feature + step) * (source === 'weights' ? 0.9 : 0.5))));
      writeJson(`${dir}/cosine.${spec.layer}.${source}.json`, { layer: spec.layer, source, step, n: spec.features, matrix, stats: { mean: 0.1, std: 0.3, max: 0.9 },
        orders: { win_rate: [...rows].sort((a, b) => b.win_rate - a.win_rate).map((r) => r.feature), usage: [...rows].reverse().map((r) => r.feature) } }, `cosine.${spec.layer}.${source}`);
    }
    // As acc writes it: run-relative file paths, one entry per layer naming its files.
    const files = fs.readdirSync(path.join(runDir, dir)).sort().map((f) => `${dir}/${f}`);
    const layers = [
      { layer: spec.layer, features: `${dir}/features.${spec.layer}.json`, force: `${dir}/force.${spec.layer}.json`,
        cosine_weights: `${dir}/cosine.${spec.layer}.weights.json`, cosine_gradients: `${dir}/cosine.${spec.layer}.gradients.json` },
      { layer: spec.secondLayer, features: `${dir}/features.${spec.secondLayer}.json`, force_unavailable: 'not the first layer' },
    ];
    emit('debug.capture', { step, from: spec.from, dir, files, layers });
    emit('debug.state', { state: 'paused', step, from: spec.from, has_batch: true, reason: 'step' });
    captures.push({ step, dir });
  }
  emit('debug.watch', { layer: spec.layer, features: spec.watched });
  const features = Object.fromEntries(spec.watched.map((id) => [String(id), { since: spec.steps[0], stride: 1,
    points: spec.steps.map((step) => ({ step, weight_cos_to_init: 1 - 0.01 * step * id, win_rate: 0.1 * id, grad_magnitude: 0.01 * step, gate: 1 })) }]));
  writeJson('debug/trajectories.json', { layer: spec.layer, cap: 2000, watched: spec.watched, features,
    pairwise: { step: spec.steps.at(-1), features: spec.watched, matrix: [[1, -0.4], [-0.4, 1]] } }, 'trajectories');
  emit('debug.trajectories', { path: 'debug/trajectories.json', step: spec.steps.at(-1) });
  // Appended after the run's own events, as a debugger session of a run that then completed would
  // leave them before run.completed; their place in the log does not matter to the viewer.
  const all = [...events, ...out].map((e, i) => ({ ...e, seq: i + 1 }));
  fs.writeFileSync(path.join(runDir, 'events.jsonl'), all.map((e) => JSON.stringify(e)).join('\n') + '\n');
  await rewriteMirror(runDir);
  return { ...spec, captures };
}
