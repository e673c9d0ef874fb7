// The processes of the served debugger test: `acc serve` on a runs root (its URL and token read
// from the line it prints) and an `acc run` that pauses itself at a step. Both are killed by
// their own handles when the test ends, never by name.

import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { ACC_BIN, REPO, VIEWER_PAGE } from './env.mjs';
import { hasMirror, sleep } from './fixture_runs.mjs';

// Throws one readable line when this acc has no `acc serve` or no debugger (--pause-at).
export async function checkServeSupport() {
  const help = async (args) => new Promise((resolve) => {
    const child = spawn(ACC_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('close', (code) => resolve({ code, out }));
  });
  const serve = await help(['serve', '--help']);
  // An acc without `serve` prints its general help (exit 0), which has no --port.
  if (serve.code !== 0 || !/--port/.test(serve.out)) throw new Error(`${ACC_BIN} has no \`acc serve\` (docs/debugger.md): build acc with the debugger, or set ACC_BIN`);
  const run = await help(['run', '--help']);
  if (!/--pause-at/.test(run.out)) throw new Error(`${ACC_BIN} run has no --pause-at (docs/debugger.md): build acc with the debugger, or set ACC_BIN`);
}

// Starts `acc serve --port 0 --runs ROOT`; resolves to {url, token, stop} once it printed
// `serving http://127.0.0.1:PORT/?token=TOKEN`.
export function startServe(root, { timeoutMs = 15000 } = {}) {
  fs.mkdirSync(root, { recursive: true });
  // ACC_VIEWER: serve this checkout's viewer, not the one acc was built beside.
  const child = spawn(ACC_BIN, ['serve', '--port', '0', '--runs', root], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ACC_VIEWER: VIEWER_PAGE } });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`acc serve printed no "serving http://..." line within ${timeoutMs} ms: ${out.trim()}`)); }, timeoutMs);
    const read = (d) => {
      out += d;
      const m = /serving (http:\/\/\S+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      const url = m[1];
      resolve({ url, token: new URL(url).searchParams.get('token'), stop: () => child.kill('SIGTERM'), child });
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('close', (code) => { clearTimeout(timer); reject(new Error(`acc serve exited ${code} before serving: ${out.trim()}`)); });
  });
}

// `acc run RECIPE --pause-at STEP` under ROOT in the background; `dir()` resolves to its run
// directory once it has a mirror, `exited` to {code, stderr}.
export function startPausedRun(root, { recipe = path.join(REPO, 'recipes', 'quickstart.yaml'), sets = [], pauseAt }) {
  fs.mkdirSync(root, { recursive: true });
  const args = ['run', recipe, '--runs', root, '--quiet', '--pause-at', String(pauseAt), ...sets.flatMap((s) => ['--set', s])];
  const child = spawn(ACC_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  let running = true;
  const exited = new Promise((resolve) => child.on('close', (code, signal) => { running = false; resolve({ code, signal, stderr }); }));

  async function dir(timeoutMs = 30000) {
    const start = Date.now();
    while (Date.now() - start < timeoutMs) {
      if (!running) throw new Error(`acc ${args.join(' ')} ended before its run directory appeared: ${stderr.trim()}`);
      const runs = fs.readdirSync(root).map((d) => path.join(root, d)).filter((d) => fs.existsSync(path.join(d, 'events.jsonl')));
      if (runs.length && hasMirror(runs[0])) return runs[0];
      await sleep(100);
    }
    throw new Error(`no run directory with a mirror appeared under ${root} within ${timeoutMs} ms`);
  }

  return { dir, exited, stop: () => { if (running) child.kill('SIGKILL'); }, isRunning: () => running };
}
