// Browser tests of real-digit factors (issue 18): a tiny real run made by acc — a cnn_classifier
// judge and a factor-slot VAE on a few hundred MNIST digits (tests/fixtures/real_digits.yaml) —
// opened from file:// in headless Chromium. The Traversal effects card must show the
// numbers of the run's own JSON, and the latent explorer must colour the points by a
// morphometric factor with its legend. No page may log a console error.
//
// Run: node --test tests/browser/real_digits.test.mjs   (CTest: viewer_real_digits_browser, label browser)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { OUTPUT_DIR, REPO, checkPrerequisites } from './env.mjs';
import { BrowserSession, runHash, screenshot, viewerUrl, waitAttr, waitHook } from './browser_session.mjs';
import { runAcc } from './fixture_runs.mjs';

const OUT = path.join(OUTPUT_DIR, 'real_digits');
const ROOT = path.join(OUT, 'runs');
// Shared with tests/test_real_digit_factors.cpp: a judge and a small factor-slot VAE, evaluated
// with traversal_effects, disentanglement and pca.
const RECIPE = path.join(REPO, 'tests', 'fixtures', 'real_digits.yaml');

let session;
let runDir;
let runId;

before(async () => {
  checkPrerequisites();
  const data = path.join(process.env.ACC_DATA || path.join(REPO, 'data'), 'mnist');
  if (!fs.existsSync(data)) throw new Error(`MNIST not found at ${data}: run \`make data\`, or set ACC_DATA`);
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(ROOT, { recursive: true });
  const { stdout } = await runAcc(['run', RECIPE, '--runs', ROOT, '--quiet']);
  runDir = stdout.trim().split('\n').pop();
  runId = path.basename(runDir);
  session = await BrowserSession.launch();
});

after(async () => {
  if (session) await session.close();
});

function viewerTest(name, fn) {
  test(name, { timeout: 60000 }, async () => {
    await session.checkPage(name, fn);
  });
}

const readJson = (rel) => JSON.parse(fs.readFileSync(path.join(runDir, rel), 'utf8'));
const url = (params) => viewerUrl({ root: ROOT }, runHash(runId, params));

viewerTest('the Traversal effects card shows the numbers of traversal_effects_mnist.json', async (page) => {
  const effects = readJson('eval/vae/traversal_effects_mnist_latest.json');
  await page.goto(url({ view: 'node', node: 'vae' }));
  await waitHook(page, '[data-testid=traversal-effects][data-dataset=mnist]', 'the Traversal effects card of mnist');
  await waitHook(page, '[data-testid=traversal-effects-table] tr[data-group=thickness]', 'the row of group thickness');
  const meets = String(effects.judge.meets_requirement);
  await waitAttr(page, '[data-testid=traversal-judge]', 'data-meets', (v) => v.includes(meets), `judge line with data-meets=${meets}`);
  for (const group of effects.groups) {
    const row = `[data-testid=traversal-effects-table] tr[data-group="${group.name}"]`;
    const kept = await page.$eval(`${row} td[data-kept]`, (td) => Number(td.dataset.kept));
    assert.ok(Math.abs(kept - group.digit_kept_rate) < 1e-9, `${group.name}: digit kept ${kept} vs ${group.digit_kept_rate} in the file`);
    for (const [k, measure] of effects.measures.entries()) {
      const slope = await page.$eval(`${row} td[data-measure="${measure}"][data-slope]`, (td) => td.dataset.slope);
      assert.equal(slope === 'null' ? null : Number(slope), group.slope[k], `${group.name} ${measure}: slope in the table vs the file`);
    }
  }
  await waitAttr(page, '[data-testid=traversal-effects-chart]', 'data-series', (v) => v.length === effects.measures.length + 1 && v.every((s) => Number(s) === effects.groups.length),
    `one chart per measure plus digit kept, each with ${effects.groups.length} series`);
  await screenshot(page, 'real-digits-traversal-effects');
});

viewerTest('the latent explorer colours MNIST points by a morphometric factor', async (page) => {
  const projection = readJson('projections/vae/latent_2d_pca_latest.json');
  assert.equal(projection.factors.names[0], 'thickness');
  await page.goto(url({ view: 'explorer', node: 'vae', color: 'thickness' }));
  await waitAttr(page, '[data-testid=explorer]', 'data-points-drawn', (v) => v.some((x) => Number(x) === projection.n), `explorer draws the ${projection.n} points`);
  const legend = await waitHook(page, '[data-testid=explorer-factor-legend][data-factor=thickness]', 'the thickness colour bar');
  const low = Number(await legend.getAttribute('data-low'));
  const high = Number(await legend.getAttribute('data-high'));
  const values = projection.factors.values[0].filter((v) => Number.isFinite(v));
  assert.ok(low >= Math.min(...values) && high <= Math.max(...values) && low < high, `bar ${low}..${high} inside the file's range`);
  assert.match(await legend.textContent(), /px/, 'the legend names the unit');
  await screenshot(page, 'real-digits-explorer-thickness');
});
