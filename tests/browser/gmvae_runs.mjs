// The real run the GM-VAE / Network browser test looks at: a tiny `recipes/gmvae.yaml` run made
// by acc (2 epochs on a few hundred MNIST images, so the branch has two epoch-end mixture files),
// then `acc inspect` of its last epoch node: a forward capture, and one channel of the first
// spatial layer with a probe, its conv step, kernels, a perturbation and a top-k scan.

import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { ACC_BIN, REPO } from './env.mjs';
import { runAcc } from './fixture_runs.mjs';

export const GMVAE_RECIPE = path.join(REPO, 'recipes', 'gmvae.yaml');
// Small enough to run in seconds on one core; two epochs give the curves two points.
const GMVAE_SETS = ['epochs=2', 'train_limit=512', 'test_limit=128', 'batch_size=64', 'components=3', 'latent=4'];
export const INSPECT = { index: 3, channel: 0, topk: 4, subset: 32, perturb: '0:2' };

// Throws one readable line when this checkout or this acc cannot make the run (or, with
// `inspect`, inspect it).
export async function checkGmvaeSupport({ inspect = true } = {}) {
  if (!fs.existsSync(GMVAE_RECIPE)) throw new Error(`${GMVAE_RECIPE} is missing: this checkout has no GM-VAE recipe (issue #9); set ACC_GMVAE_FIXTURE=all to test the viewer on hand-made files`);
  const data = path.join(process.env.ACC_DATA || path.join(REPO, 'data'), 'mnist');
  if (!fs.existsSync(data)) throw new Error(`MNIST not found at ${data}: run \`make data\`, or set ACC_DATA`);
  if (!inspect) return;
  const help = await new Promise((resolve) => {
    const child = spawn(ACC_BIN, ['inspect', '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('close', (code) => resolve({ code, out }));
  });
  if (help.code !== 0 || !/--index/.test(help.out)) throw new Error(`${ACC_BIN} has no \`acc inspect\` (issue #9): build acc from a checkout that has it, set ACC_BIN, or set ACC_GMVAE_FIXTURE=network to test the viewer on hand-made inspection files`);
}

// Makes the run under `root`; returns {runDir, root, tag} with tag = its last node (the recipe's
// evaluate op projects it, so the explorer shows it).
export async function makeGmvaeRun(root) {
  const { stdout } = await runAcc(['run', GMVAE_RECIPE, '--runs', root, '--quiet', ...GMVAE_SETS.flatMap((s) => ['--set', s])]);
  const runDir = stdout.trim().split('\n').pop();
  const summary = JSON.parse(fs.readFileSync(path.join(runDir, 'summary.json'), 'utf8'));
  const tag = summary.current_node?.tag;
  if (!tag) throw new Error(`${runDir}/summary.json names no current node to inspect`);
  return { runDir, root, tag };
}

// `acc inspect` of the run's last node: a forward capture, then one channel of its first spatial
// layer with a probe at the centre, the conv step there, kernels, a perturbation and a top-k scan.
export async function inspectGmvaeRun({ runDir, root, tag }) {
  const node = [`${path.basename(runDir)}/${tag}`, '--runs', root];
  await runAcc(['inspect', ...node, '--index', String(INSPECT.index)]);
  // The first spatial layer of the capture: the conv step is defined for the layer that reads the image.
  const layersFile = fs.readdirSync(path.join(runDir, 'network', tag, 'forward', `idx_${INSPECT.index}`)).find((f) => /^layers_step_\d+\.json$/.test(f));
  const layersJson = JSON.parse(fs.readFileSync(path.join(runDir, 'network', tag, 'forward', `idx_${INSPECT.index}`, layersFile), 'utf8'));
  const layer = (Array.isArray(layersJson) ? layersJson : layersJson.layers).find((l) => l.kind === 'spatial');
  if (!layer) throw new Error(`${layersFile}: no spatial layer to inspect`);
  const [, height, width] = layer.shape;
  const xy = `${Math.floor(width / 2)},${Math.floor(height / 2)}`;
  await runAcc(['inspect', ...node, '--index', String(INSPECT.index), '--layer', layer.id, '--channel', String(INSPECT.channel), '--xy', xy, '--conv-step',
    '--perturb', INSPECT.perturb, '--topk', String(INSPECT.topk), '--subset', String(INSPECT.subset)]);
}
