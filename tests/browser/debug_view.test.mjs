// Browser tests of the viewer's debug section (docs/debugger.md, issue #8):
// - from file://, a finished fixture run with hand-made debugger files (debug_fixture.mjs): every
//   part draws what the files hold, and the page is read-only (no controls);
// - served by `acc serve`, a live run paused by --pause-at: Step three times (three different
//   batches, the counter +3), the feature table fills, Resume lets the run complete;
// - served, the runs list's "Run a recipe" form starts a run and opens its page, which grows
//   live until the run completes.
//
// Run: node --test tests/browser/debug_view.test.mjs   (CTest: viewer_debug_browser, label browser)
// How to add a check: add a viewerTest(...) below; it gets a fresh page whose console errors
// fail it.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { OUTPUT_DIR, checkPrerequisites } from './env.mjs';
import { BrowserSession, runHash, screenshot, viewerUrl, waitAttr, waitHook } from './browser_session.mjs';
import { expectImagesLoaded, waitText } from './page_checks.mjs';
import { makeFixtureRun } from './fixture_runs.mjs';
import { addDebugFixture } from './debug_fixture.mjs';
import { checkServeSupport, startPausedRun, startServe } from './served_run.mjs';

const OUT = path.join(OUTPUT_DIR, 'debug');
const STATIC_ROOT = path.join(OUT, 'runs'); // the fixture run with hand-made debugger files
const SERVED_ROOT = path.join(OUT, 'served'); // the root acc serve serves, with the paused run
const PAUSE_AT = 5;

let session;
let fixtureRun;
let fixture; // what debug_fixture.mjs wrote

before(async () => {
  checkPrerequisites();
  fs.rmSync(OUT, { recursive: true, force: true });
  fixtureRun = await makeFixtureRun(STATIC_ROOT, ['steps=2']);
  fixture = await addDebugFixture(fixtureRun);
  session = await BrowserSession.launch();
});

after(async () => {
  if (session) await session.close();
});

// `allowError(e)` accepts console errors the test's own situation causes.
function viewerTest(name, fn, { timeout = 60000, allowError = () => false } = {}) {
  test(name, { timeout }, async () => {
    await session.checkPage(name, fn, { allowError });
  });
}

const section = '[data-testid=debug-section]';
const fixtureUrl = () => viewerUrl({ root: STATIC_ROOT }, runHash(path.basename(fixtureRun), { view: 'overview' }));
const texts = (page, selector) => page.$$eval(selector, (els) => els.map((e) => e.innerText));

viewerTest('file://: the debug section shows the latest capture, read-only', async (page) => {
  await page.goto(fixtureUrl());
  await waitHook(page, section, 'debug section');
  const last = fixture.captures.at(-1);
  await waitAttr(page, '[data-testid=debug-step]', 'data-step', (v) => v[0] === String(last.step), 'step counter at the last captured step');
  await waitAttr(page, '[data-testid=debug-state]', 'data-state', (v) => v[0] === 'ended', 'debug state of a completed run');
  const [src] = await expectImagesLoaded(page, '[data-testid=debug-batch-image]', 'batch grid');
  assert.match(src, new RegExp(`${last.dir}/batch\\.png$`));
  await waitText(page, page.locator('[data-testid=debug-losses]'), /recon[\s\S]*kl/, 'losses of batch.json');
  assert.equal(await page.locator('[data-testid=debug-controls]').count(), 0, 'no controls from file://');
  assert.equal(await page.locator('[data-testid=debug-capture-select] option').count(), fixture.captures.length + 1, 'latest + one option per capture');
  await screenshot(page, 'debug-file-latest');
});

viewerTest('file://: an earlier capture can be picked', async (page) => {
  await page.goto(fixtureUrl());
  await waitHook(page, '[data-testid=debug-batch-image]', 'batch grid');
  const first = fixture.captures[0];
  const key = (await page.$$eval('[data-testid=debug-capture-select] option', (els) => els.map((e) => e.value))).find((v) => v.endsWith(`@${first.step}`));
  await page.selectOption('[data-testid=debug-capture-select]', key);
  await waitAttr(page, '[data-testid=debug-batch-image]', 'data-step', (v) => v[0] === String(first.step), 'batch of the picked capture');
  await waitText(page, page.locator('[data-testid=debug-feature-counts]'), new RegExp(`step ${first.step}\\b`), 'feature table of the picked capture');
});

viewerTest('file://: feature table rows coloured by status, sortable, a click selects the force view', async (page) => {
  await page.goto(fixtureUrl());
  const rows = '[data-testid=debug-feature-row]';
  await waitAttr(page, rows, 'data-feature', (v) => v.length === fixture.features, `${fixture.features} feature rows`);
  const classes = await page.$$eval(rows, (els) => els.map((e) => [e.dataset.status, e.className]));
  for (const [status, cls] of classes) assert.match(cls, new RegExp(`status-${status}`), `a ${status} row has its colour class`);
  assert.equal(await page.locator('[data-testid=debug-summary-row]').count(), 3, 'mean, min, max rows');
  await waitText(page, page.locator('[data-testid=debug-feature-counts]'), /dead 2 · winner 2 · contender 4/, 'status counts');
  await page.locator('th[data-column=win_rate]').click();
  const winRates = (await texts(page, `${rows} td:nth-child(2)`)).map(Number);
  assert.deepEqual(winRates, [...winRates].sort((a, b) => b - a), 'first click: win rate descending');
  await page.locator('th[data-column=win_rate]').click();
  const ascending = (await texts(page, `${rows} td:nth-child(2)`)).map(Number);
  assert.deepEqual(ascending, [...ascending].sort((a, b) => a - b), 'second click: ascending');
  await page.locator(`${rows}[data-feature="6"]`).click();
  await waitAttr(page, `${rows}.selected`, 'data-feature', (v) => v[0] === '6', 'clicked row selected');
  await waitText(page, page.locator('[data-testid=debug-force]'), /feature 6/, 'force view of the clicked feature');
  await waitAttr(page, '[data-testid=debug-force-tile]', 'data-drawn', (v) => v.length === 4 && v.every((x) => x === '1'), 'four force tiles drawn');
  const labels = await texts(page, '[data-testid=debug-force] figcaption');
  assert.deepEqual(labels, ['current weight', 'plain update', 'gated update', 'applied update']);
  // Tile 6 of the fixture's 4 x 2 sheet of 3 x 3 tiles: column 2, row 1. (Its pixels cannot be
  // read back: an image from file:// taints the canvas.)
  const crops = await page.$$eval('[data-testid=debug-force-tile]', (els) => els.map((c) => c.dataset.tile));
  assert.deepEqual(crops, Array(4).fill('6,3,3,3'));
  await screenshot(page, 'debug-file-table');
});

viewerTest('file://: a second layer from the layer selector: its table, no force view, no cosine', async (page) => {
  await page.goto(fixtureUrl());
  await waitHook(page, '[data-testid=debug-layer-select]', 'layer selector (the capture has two layers)');
  await page.selectOption('[data-testid=debug-layer-select]', fixture.secondLayer);
  await waitText(page, page.locator('[data-testid=debug-feature-counts]'), new RegExp(fixture.secondLayer.replace('.', '\\.')), 'table of the second layer');
  await waitText(page, page.locator('[data-testid=debug-force]'), /no force view for encoder\.conv2 at this step: not the first layer/, 'why there is no force view');
  assert.equal(await page.locator('[data-testid=debug-cosine]').isVisible(), false, 'no cosine matrix for a layer without one');
});

viewerTest('file://: cosine heatmap hover, source and reorder; trajectories with a metric toggle', async (page) => {
  await page.goto(fixtureUrl());
  const canvas = await waitHook(page, '[data-testid=debug-cosine]', 'cosine heatmap');
  await waitAttr(page, '[data-testid=debug-cosine]', 'data-n', (v) => v[0] === String(fixture.features), 'heatmap of n features');
  const cell = Number(await canvas.getAttribute('data-cell'));
  await canvas.hover({ position: { x: cell * 2.5, y: cell * 0.5 } });
  await waitText(page, page.locator('[data-testid=debug-cosine-hover]'), /row 0 \(feature 0\) · col 2 \(feature 2\)/, 'hover readout');
  await page.selectOption('[data-testid=debug-cosine-order]', 'usage');
  await waitAttr(page, '[data-testid=debug-cosine]', 'data-order', (v) => v[0] === '7,6,5,4,3,2,1,0', 'rows reordered by usage');
  await page.selectOption('[data-testid=debug-cosine-source]', 'gradients');
  await waitText(page, page.locator('[data-testid=debug-cosine-stats]'), /gradients/, 'gradients matrix');
  await waitAttr(page, '[data-testid=debug-trajectory-chart]', 'data-series', (v) => v[0] === String(fixture.watched.length), 'one line per watched feature');
  await page.locator('[data-testid=debug-trajectory-metric] button[data-metric=win_rate]').click();
  await waitText(page, page.locator('[data-testid=debug-trajectories] .chart-title').first(), /win_rate/, 'metric toggled');
  await waitAttr(page, '[data-testid=debug-pairwise]', 'data-n', (v) => v[0] === String(fixture.watched.length), 'pairwise matrix of the watched features');
  await screenshot(page, 'debug-file-heatmaps');
});

viewerTest('served: pause at a step, Step three times, Resume to completion', async (page) => {
  await checkServeSupport();
  const serve = await startServe(SERVED_ROOT);
  // Enough steps that the run cannot finish while the test looks at it paused; small enough to
  // finish in seconds once resumed.
  const run = startPausedRun(SERVED_ROOT, { sets: ['steps=400', 'hidden=16'], pauseAt: PAUSE_AT });
  try {
    const runDir = await run.dir();
    await page.goto(serve.url); // the server's redirect puts the viewer, the root and the token in the URL
    await page.waitForURL(/token=/);
    const url = new URL(page.url());
    url.hash = runHash(path.basename(runDir), { view: 'overview' });
    await page.goto(url.href);
    await waitHook(page, '[data-testid=debug-controls]', 'debug controls (served page)', { timeout: 30000 });
    await waitAttr(page, '[data-testid=debug-state]', 'data-state', (v) => v[0] === 'paused', `run paused by --pause-at ${PAUSE_AT}`, { timeout: 60000 });
    const start = Number(await page.getAttribute('[data-testid=debug-step]', 'data-step'));
    assert.equal(start, PAUSE_AT, 'paused at the --pause-at step');
    const sources = new Set([await page.getAttribute('[data-testid=debug-batch-image]', 'src')]);
    for (let i = 1; i <= 3; i++) {
      await waitAttr(page, '[data-testid=debug-step-button]', 'disabled', (v) => v[0] === null, `Step enabled while paused (click ${i})`);
      await page.click('[data-testid=debug-step-button]');
      await waitAttr(page, '[data-testid=debug-batch-image]', 'data-step', (v) => v[0] === String(start + i), `batch of step ${start + i}`, { timeout: 20000 });
      await waitAttr(page, '[data-testid=debug-state]', 'data-state', (v) => v[0] === 'paused', `paused again after step ${i}`, { timeout: 20000 });
      const [src] = await expectImagesLoaded(page, '[data-testid=debug-batch-image]', `batch grid of step ${start + i}`);
      sources.add(src);
    }
    assert.equal(sources.size, 4, `four different batch grids (the paused one and three steps): ${[...sources].join(', ')}`);
    assert.equal(Number(await page.getAttribute('[data-testid=debug-step]', 'data-step')), start + 3, 'the step counter advanced by exactly 3');
    assert.equal(await page.locator('[data-testid=debug-control-error]').innerText(), '', 'no control errors');
    await waitAttr(page, '[data-testid=debug-feature-row]', 'data-feature', (v) => v.length > 0, 'feature table rows');
    await screenshot(page, 'debug-served-stepped');
    await page.click('[data-testid=debug-resume]');
    const { code, stderr } = await run.exited;
    assert.equal(code, 0, `the resumed run completes: ${stderr}`);
    await waitAttr(page, '.run-header .badge', 'class', (v) => /badge-completed/.test(v[0] || ''), 'run page shows completed', { timeout: 30000 });
    assert.equal(await page.locator('[data-testid=debug-controls]').isVisible(), false, 'no controls once the run ended');
    await screenshot(page, 'debug-served-completed');
  } finally {
    run.stop();
    serve.stop();
  }
}, { timeout: 240000 });

viewerTest('served: "Run a recipe" starts a run with edited vars and opens its page', async (page) => {
  await checkServeSupport();
  const root = path.join(OUT, 'served-form');
  const serve = await startServe(root);
  try {
    await page.goto(serve.url);
    await waitHook(page, '[data-testid=recipe-form]', 'Run a recipe form (served runs list)');
    await page.selectOption('[data-testid=recipe-select]', 'quickstart');
    await page.fill('[data-testid=recipe-var][data-var=steps]', '30');
    await page.fill('[data-testid=recipe-var][data-var=hidden]', '8');
    await page.click('[data-testid=recipe-run]');
    await page.waitForURL(/#\/run\/quickstart/, { timeout: 30000 });
    const runId = decodeURIComponent(/#\/run\/([^?]+)/.exec(page.url())[1]);
    await waitAttr(page, '.run-header .badge', 'class', (v) => /badge-completed/.test(v[0] || ''), 'the started run completes on its page', { timeout: 120000 });
    const config = JSON.parse(fs.readFileSync(path.join(root, runId, 'config.json'), 'utf8'));
    assert.match(JSON.stringify(config), /"steps":\s*"?30"?/, 'the run used the edited steps');
    await waitAttr(page, '[data-testid=chart]', 'data-points', (v) => v.some((n) => Number(n) > 0), 'loss chart of the started run');
    await screenshot(page, 'debug-served-run-form');
  } finally {
    serve.stop();
  }
}, {
  timeout: 200000,
  // An empty root has no index.js yet, and the form probes the new run's manifest until it
  // exists: the browser logs each 404 as a console error.
  allowError: (e) => /status of 404/.test(e.text) && /\/runs\/(index\.js|[^/]+\/web\/manifest\.js)\?/.test(e.url),
});
