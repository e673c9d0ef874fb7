// Makes the runs the browser tests look at, with acc itself, and reads back the numbers the
// page must show (node metas, projection sizes) so the tests compare against the files rather
// than against constants that drift with the recipe.

import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { ACC_BIN, FIXTURE_RECIPE } from './env.mjs';

// Runs acc to completion; rejects with its stderr when it fails.
export function runAcc(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(ACC_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve({ stdout, stderr });
      else reject(Object.assign(new Error(`acc ${args.join(' ')} ${signal ? `was killed by ${signal}` : `exited ${code}`}: ${stderr.trim()}`), { code, stderr }));
    });
  });
}

// One fixture run under `root` (vars overridden by `sets`, e.g. ['steps=2']); returns its directory.
export async function makeFixtureRun(root, sets = []) {
  const setArgs = sets.flatMap((s) => ['--set', s]);
  const { stdout } = await runAcc(['run', FIXTURE_RECIPE, '--runs', root, '--quiet', ...setArgs]);
  const runDir = stdout.trim().split('\n').pop();
  if (!fs.existsSync(path.join(runDir, 'events.jsonl'))) throw new Error(`acc run printed '${runDir}', which holds no events.jsonl`);
  if (!hasMirror(runDir)) throw new Error(`acc run wrote no viewer mirror (${runDir}/web/manifest.js; docs/run-format.md, "Viewer mirror")`);
  return runDir;
}

export function hasMirror(runDir) {
  return fs.existsSync(path.join(runDir, 'web', 'manifest.js'));
}

// Rebuilds a run's mirror after its files were edited by hand.
export async function rewriteMirror(runDir) {
  await runAcc(['viewer', runDir]);
}

// A run started in the background; `dir()` resolves once its directory has a mirror to open.
export function startLiveRun(root, sets) {
  fs.mkdirSync(root, { recursive: true });
  const setArgs = sets.flatMap((s) => ['--set', s]);
  const child = spawn(ACC_BIN, ['run', FIXTURE_RECIPE, '--runs', root, '--quiet', ...setArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })));
  let running = true;
  exited.then(() => { running = false; });

  async function dir(timeoutMs = 20000) {
    const start = Date.now();
    while (Date.now() - start < timeoutMs) {
      if (!running) throw new Error(`the live acc run ended before its run directory appeared: ${stderr.trim()}`);
      const runs = fs.readdirSync(root).map((d) => path.join(root, d)).filter((d) => fs.existsSync(path.join(d, 'events.jsonl')));
      if (runs.length && hasMirror(runs[0]) && fs.existsSync(path.join(root, 'index.js'))) return runs[0];
      await sleep(100);
    }
    throw new Error(`no run directory with web/manifest.js and index.js appeared under ${root} within ${timeoutMs} ms`);
  }

  function stop() {
    if (running) child.kill('SIGKILL');
  }

  return { child, dir, exited, stop, isRunning: () => running };
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// {tag: meta} for every checkpoint node of a run.
export function nodeMetasByTag(runDir) {
  const dir = path.join(runDir, 'checkpoints');
  const metas = {};
  for (const id of fs.readdirSync(dir)) {
    const file = path.join(dir, id, 'meta.json');
    if (id.startsWith('.') || !fs.existsSync(file)) continue;
    const meta = JSON.parse(fs.readFileSync(file, 'utf8'));
    metas[meta.tag] = meta;
  }
  return metas;
}

// The number of points in a node's 2D PCA projection (every projection of a node has the same n).
export function projectionPointCount(runDir, tag) {
  const file = path.join(runDir, 'projections', tag, 'latent_2d_pca_latest.json');
  return JSON.parse(fs.readFileSync(file, 'utf8')).n;
}

// k of a node's latent kNN file (the edges a selected point draws in top-k mode).
export function knnSize(runDir, tag) {
  const dir = path.join(runDir, 'neighbors', tag);
  const name = fs.readdirSync(dir).find((f) => /^knn_step_\d+\.json$/.test(f));
  return JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')).k;
}

// A copy of a run outside any runs root, without its mirror (rewritten after the damage is done).
export function copyRunOutsideRoot(runDir, parent) {
  const dest = path.join(parent, path.basename(runDir));
  fs.rmSync(dest, { recursive: true, force: true });
  fs.mkdirSync(parent, { recursive: true });
  fs.cpSync(runDir, dest, { recursive: true, filter: (src) => path.relative(runDir, src) !== 'web' });
  return dest;
}

// The events of a run, parsed (the tests write whole lines only).
export function readEvents(runDir) {
  return fs.readFileSync(path.join(runDir, 'events.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

// What "Evaluation during training" must draw for a run, from its train.eval events:
// {metric key: number of branches (`from` values) with a finite value for it}.
export function evalCurveExpectation(runDir) {
  const branches = new Map(); // task.metric -> Set of from
  for (const e of readEvents(runDir)) {
    if (e.type !== 'train.eval') continue;
    for (const [task, metrics] of Object.entries(e.payload.metrics || {}))
      for (const [metric, v] of Object.entries(metrics || {})) {
        if (!Number.isFinite(v)) continue;
        const key = `${task}.${metric}`;
        if (!branches.has(key)) branches.set(key, new Set());
        branches.get(key).add(e.payload.from ?? '');
      }
  }
  return Object.fromEntries([...branches].map(([key, froms]) => [key, froms.size]));
}

// A copy of a sequential fixture run (outside any root, mirror rewritten) made to look as if its
// two branches had trained at once, as `acc plan` + `make -j` runs them: train events carry
// `from`, the branches' train events alternate in the log, and each branch has train.eval events
// every 10 steps (made-up values; one metric is missing from the first evaluation of the second
// branch). With `runningAtStep` the log ends once both branches reached that step and the summary
// says running, as the page sees such a run mid-training. Returns {dir, branches: [tag, tag], evalKeys}.
export async function makeConcurrentCopy(runDir, parent, { runningAtStep = null } = {}) {
  const dest = copyRunOutsideRoot(runDir, parent);
  const events = readEvents(dest);
  let from = '';
  const train = new Map(); // branch -> its train events, in order
  const rest = [];
  for (const e of events) {
    if (e.type === 'checkpoint.saved') from = e.payload.tag;
    if (e.type === 'train.eval') continue; // the fixture's own; replaced by made-up ones below
    if (e.type !== 'train.metrics' && e.type !== 'train.progress') { rest.push(e); continue; }
    if (!train.has(from)) { train.set(from, []); rest.push({ placeholder: true }); }
    const list = train.get(from);
    list.push({ ...e, payload: { ...e.payload, from } });
    if (e.type === 'train.metrics' && e.payload.step % 10 === 0) {
      const first = list.filter((x) => x.type === 'train.eval').length === 0;
      const rank = train.size; // 1, 2: distinct made-up curves per branch
      const sparsity = { hoyer: 0.1 * rank + e.payload.step / 1000, ...(first && rank === 2 ? {} : { dead_fraction: 0.01 * e.payload.step / rank }) };
      list.push({ type: 'train.eval', time: e.time, payload: { step: e.payload.step, from, metrics: { activation_sparsity: sparsity, weight_diversity: { cosine_mean: 1 / (rank + e.payload.step) } } } });
    }
  }
  const branches = [...train.keys()];
  if (branches.length !== 2) throw new Error(`expected the fixture's train events under 2 branches, found ${JSON.stringify(branches)}`);
  const [a, b] = branches.map((k) => train.get(k));
  const interleaved = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) interleaved.push(...a.slice(i, i + 1), ...b.slice(i, i + 1));
  // Both branches' train events go where the first branch's were; the second's place empties.
  const out = [];
  let placed = false;
  for (const e of rest) {
    if (!e.placeholder) out.push(e);
    else if (!placed) { out.push(...interleaved); placed = true; }
  }
  if (runningAtStep !== null) {
    out.length = out.findLastIndex((e) => e.type === 'train.progress' && e.payload.step <= runningAtStep) + 1;
    const summaryFile = path.join(dest, 'summary.json');
    fs.writeFileSync(summaryFile, JSON.stringify({ ...JSON.parse(fs.readFileSync(summaryFile, 'utf8')), status: 'running', current_phase: 'train' }));
  }
  fs.writeFileSync(path.join(dest, 'events.jsonl'), out.map((e, i) => JSON.stringify({ ...e, seq: i + 1 })).join('\n') + '\n');
  await rewriteMirror(dest);
  return { dir: dest, branches, evalKeys: ['activation_sparsity.dead_fraction', 'activation_sparsity.hoyer', 'weight_diversity.cosine_mean'] };
}
