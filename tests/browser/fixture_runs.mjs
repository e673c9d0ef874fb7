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
