// Browser tests of the GM-VAE section, the posterior samples under the latent explorer and the
// Network view (issue #9): a tiny real GM-VAE run inspected with `acc inspect` (gmvae_runs.mjs),
// opened from file:// in headless Chromium; every expectation is read back from the run's own
// files (gmvae_expect.mjs), and no page may log a console error. For an acc without parts of
// issue #9, ACC_GMVAE_FIXTURE runs the same checks on hand-made files (gmvae_fixture.mjs):
// `network` = a real GM-VAE run with hand-made inspection files (no `acc inspect`), `all` = the
// viewer fixture run with hand-made GM-VAE and inspection files (no gmvae model either).
//
// Run: node --test tests/browser/gmvae_network.test.mjs   (CTest: viewer_gmvae_browser, label browser)
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
import { checkServeSupport, startServe } from './served_run.mjs';
import { addGmvaeFixture, addNetworkFixture } from './gmvae_fixture.mjs';
import { gmvaeExpectations } from './gmvae_expect.mjs';
import { checkGmvaeSupport, makeGmvaeRun, inspectGmvaeRun } from './gmvae_runs.mjs';

const OUT = path.join(OUTPUT_DIR, 'gmvae');
const ROOT = path.join(OUT, 'runs');

let session;
let runDir;
let runId;
let expect; // gmvaeExpectations(runDir)

before(async () => {
  checkPrerequisites();
  fs.rmSync(OUT, { recursive: true, force: true });
  const fixture = process.env.ACC_GMVAE_FIXTURE || '';
  if (!['', 'network', 'all'].includes(fixture)) throw new Error(`ACC_GMVAE_FIXTURE=${fixture}: use network or all (or unset it for real runs only)`);
  if (fixture === 'all') {
    runDir = await makeFixtureRun(ROOT, ['steps=2']);
    await addGmvaeFixture(runDir, 'lr_high_trained'); // the current node: the explorer's
    await addNetworkFixture(runDir, 'lr_high_trained');
  } else {
    await checkGmvaeSupport({ inspect: fixture !== 'network' });
    const made = await makeGmvaeRun(ROOT);
    runDir = made.runDir;
    if (fixture === 'network') await addNetworkFixture(runDir, made.tag);
    else await inspectGmvaeRun(made);
  }
  runId = path.basename(runDir);
  expect = gmvaeExpectations(runDir);
  session = await BrowserSession.launch();
});

after(async () => {
  if (session) await session.close();
});

function viewerTest(name, fn, { timeout = 60000 } = {}) {
  test(name, { timeout }, async () => {
    await session.checkPage(name, fn);
  });
}

const open = (page, params) => page.goto(viewerUrl({ root: ROOT }, runHash(runId, params)));

viewerTest('overview: mixture health over epochs, component usage bars and prior-component grids', async (page) => {
  assert.ok(expect.newest, 'the run has mixture-health files');
  const maxEpochs = Math.max(...Object.values(expect.epochsByLabel));
  assert.ok(maxEpochs >= 2, `a branch has at least 2 epoch files (${JSON.stringify(expect.epochsByLabel)})`);
  await open(page, { view: 'overview' });
  await waitHook(page, '[data-testid=gmvae-section]', 'GM-VAE section');
  for (const q of ['neff', 'argmax_neff', 'entropy', 'pmax'])
    await waitAttr(page, `[data-testid=mixture-chart][data-quantity=${q}]`, 'data-points', (v) => Number(v[0]) >= maxEpochs, `${q} chart with ${maxEpochs} epoch points`);
  await waitAttr(page, '[data-testid=mixture-chart][data-quantity=neff]', 'data-series', (v) => Number(v[0]) === Object.keys(expect.epochsByLabel).length, 'one neff series per branch');
  await waitAttr(page, '[data-testid=usage-bar]', 'data-component', (v) => v.length === expect.K, `${expect.K} usage bars`);
  const ps = await page.$$eval('[data-testid=usage-bar]', (els) => els.map((e) => Number(e.dataset.p)));
  const file = JSON.parse(fs.readFileSync(path.join(runDir, expect.newest.path), 'utf8'));
  assert.deepEqual(ps, file.p, 'the bars show the newest file\'s p');
  await waitAttr(page, '[data-testid=prior-grid-image]', 'src', (v) => v.length === expect.priorGrids, `${expect.priorGrids} prior-component grids`);
  assert.equal(expect.priorGrids, expect.K, 'one prior grid per component');
  await expectImagesLoaded(page, '[data-testid=prior-grid-image]', 'prior-component grids');
  if (expect.qcMetrics) await waitAttr(page, '[data-testid=qc-chart][data-metric=qc_neff]', 'data-points', (v) => Number(v[0]) > 0, 'q(c|x) neff from train.metrics');
  // The real run's evaluate writes the cluster confusion and the k-means baselines (issue #19).
  const baselinesFile = fs.existsSync(path.join(runDir, 'clusters')) &&
    fs.readdirSync(path.join(runDir, 'clusters'), { recursive: true }).find((f) => String(f).endsWith('cluster_baselines_latest.json'));
  if (baselinesFile) {
    const rows = JSON.parse(fs.readFileSync(path.join(runDir, 'clusters', String(baselinesFile)), 'utf8')).rows;
    await waitAttr(page, '[data-testid=cluster-baseline-row]', 'data-method', (v) => v.length === rows.length, `${rows.length} baseline rows`);
    const shown = await page.$$eval('[data-testid=cluster-baseline-row]', (els) => els.map((e) => [e.dataset.method, Number(e.dataset.accuracy)]));
    assert.deepEqual(shown, rows.map((r) => [r.method, r.accuracy]), 'the table shows the file\'s methods and accuracies');
    await expectImagesLoaded(page, '[data-testid=cluster-heatmap-image]', 'cluster confusion heatmap');
  }
  await page.locator('[data-testid=gmvae-section]').scrollIntoViewIfNeeded();
  await screenshot(page, 'gmvae-overview');
});

viewerTest('explorer: the selected point shows its posterior samples, or the acc inspect command', async (page) => {
  const { tag, withFile, without } = expect.posterior;
  await open(page, { view: 'explorer', node: tag });
  await waitAttr(page, '[data-testid=explorer]', 'data-points-drawn', (v) => Number(v[0]) > 0, 'explorer points');
  if (withFile) {
    await page.evaluate((i) => window.__accExplorer.select(i), withFile.point);
    await waitText(page, page.locator('[data-testid=posterior-info]'), new RegExp(`point ${withFile.point} = test row ${withFile.row}\\b`), 'selected point named with its test row');
    await expectImagesLoaded(page, '[data-testid=posterior-image]', 'posterior samples of the selected point');
    await screenshot(page, 'gmvae-posterior');
  }
  await page.evaluate((i) => window.__accExplorer.select(i), without.point);
  await waitText(page, page.locator('[data-testid=posterior-info]'), new RegExp(`point ${without.point} = test row ${without.row}\\b`), 'another point');
  await waitText(page, page.locator('[data-testid=posterior-hint-command]'), new RegExp(`^acc inspect ${runId}/${tag} --index ${without.row} --posterior-samples \\d+ --runs `), 'command for the missing samples');
});

viewerTest('network: layers as layers.json lists them, input and layer picture loaded', async (page) => {
  const net = expect.network;
  assert.ok(net, 'the run has a forward capture');
  await open(page, { view: 'network', net_label: net.tag, net_idx: String(net.index) });
  await waitAttr(page, '[data-testid=network-layer-row]', 'data-layer', (v) => v.length === net.layers, `${net.layers} layer rows`);
  await expectImagesLoaded(page, '[data-testid=network-input]', 'input image');
  await expectImagesLoaded(page, '[data-testid=network-recon]', 'reconstruction image');
  await expectImagesLoaded(page, '[data-testid=network-layer-image]', 'picture of the first layer');
});

viewerTest('network: conv step computed = captured, inspect overlay with the receptive field, kernels', async (page) => {
  const { tag, index, conv } = expect.network;
  assert.ok(conv, 'the run has a conv-step file');
  await open(page, { view: 'network', net_label: tag, net_idx: String(index), net_layer: conv.layer, net_ch: String(conv.channel), net_xy: conv.xy });
  await waitAttr(page, '[data-testid=conv-match]', 'data-match', (v) => v[0] === 'true', 'match badge');
  const [computed, captured] = await Promise.all(['conv-computed', 'conv-captured'].map((t) => page.getAttribute(`[data-testid=${t}]`, 'data-value')));
  assert.equal(Number(computed), conv.computed);
  assert.equal(computed, captured, 'computed == captured on the page');
  assert.equal(await page.locator('[data-testid=conv-patch] td').count(), 9, '3x3 patch');
  await expectImagesLoaded(page, '[data-testid=inspect-channel] img', 'channel map');
  await waitText(page, page.locator('[data-testid=inspect-rf-text]'), /receptive field/, 'receptive field or its reason');
  if (await page.locator('[data-testid=rf-box]').count()) assert.ok(await page.locator('[data-testid=rf-box]').evaluate((e) => e.style.width !== ''), 'receptive-field box placed');
  await waitHook(page, '[data-testid=kernel-values]', 'kernel values');
  await expectImagesLoaded(page, '[data-testid=kernel-image]', 'kernel PNG');
  await page.locator('[data-testid=network-conv-step]').scrollIntoViewIfNeeded();
  await screenshot(page, 'network-conv-step');
});

viewerTest('network: a click on the channel map picks a probe position and names the command for it', async (page) => {
  const { tag, index, conv } = expect.network;
  await open(page, { view: 'network', net_label: tag, net_idx: String(index), net_layer: conv.layer, net_ch: String(conv.channel) });
  const map = await waitHook(page, '[data-testid=inspect-channel] img', 'channel map');
  await expectImagesLoaded(page, '[data-testid=inspect-channel] img', 'channel map');
  await map.click({ position: { x: 1, y: 1 } }); // the top-left cell
  await page.waitForURL(/net_xy=0%2C0|net_xy=0,0/);
  const probed = conv.inspectXy; // the position the channel's inspect.json describes
  if (!(probed && probed.x === 0 && probed.y === 0))
    await waitText(page, page.locator('[data-testid=probe-hint-command]'), new RegExp(`acc inspect ${runId}/${tag} --index ${index} --layer ${conv.layer.replace('.', '\\.')} --channel ${conv.channel} --xy 0,0`), 'command for the new probe');
});

viewerTest('network: top-k gallery of k inputs with scores; perturbation strip', async (page) => {
  const { tag, index, topk } = expect.network;
  assert.ok(topk, 'the run has a top-k scan');
  await open(page, { view: 'network', net_label: tag, net_idx: String(index), net_layer: topk.layer, net_ch: String(topk.channel) });
  await waitAttr(page, '[data-testid=topk-item]', 'data-index', (v) => v.length === topk.k, `${topk.k} top-k items`);
  await expectImagesLoaded(page, '[data-testid=topk-image]', 'top-k inputs');
  await waitAttr(page, '[data-testid=perturb-recon]', 'src', (v) => v.length >= 1, 'perturbed reconstructions');
  await expectImagesLoaded(page, '[data-testid=perturb-strip] img', 'perturbation strip');
  await page.locator('[data-testid=network-topk]').scrollIntoViewIfNeeded();
  await screenshot(page, 'network-topk');
});

viewerTest('network: an example without files shows the exact acc inspect command', async (page) => {
  const { tag } = expect.network;
  await open(page, { view: 'network', net_label: tag, net_idx: '9999' });
  await waitText(page, page.locator('[data-testid=network-hint-command]'), new RegExp(`^acc inspect ${runId}/${tag} --index 9999 --runs ${ROOT.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`), 'command for the missing capture');
  assert.equal(await page.locator('[data-testid=network-hint-compute]').count(), 0, 'no Compute button from file://');
});

// Served by `acc serve`, a missing capture gets a Compute button that sends the same request as
// the command. When this acc's server has no inspect endpoint yet, the request is answered by the
// test (page.route), which still checks what the page sends.
viewerTest('served: Compute asks acc serve for the missing capture with the token', async (page) => {
  await checkServeSupport();
  const { tag, index } = expect.network;
  const serve = await startServe(ROOT);
  try {
    await page.goto(serve.url);
    await page.waitForURL(/token=/);
    const url = new URL(page.url());
    const wanted = index + 1;
    url.hash = runHash(runId, { view: 'network', net_label: tag, net_idx: String(wanted) });
    const sent = [];
    let answered; // resolves to acc serve's HTTP status, or null when it has no inspect endpoint
    const answer = new Promise((resolve) => { answered = resolve; });
    await page.route('**/api/runs/*/inspect', async (route) => {
      const request = route.request();
      sent.push({ url: request.url(), body: request.postDataJSON(), token: request.headers()['x-acc-token'] });
      const real = await route.fetch({ timeout: 60000 });
      if (real.status() !== 404) await route.fulfill({ response: real });
      else await route.fulfill({ json: { ok: true, paths: [] } }); // no endpoint in this acc: answer as it would
      answered(real.status() !== 404 ? real.status() : null);
    });
    await page.goto(url.href);
    const button = await waitHook(page, '[data-testid=network-hint-compute]', 'Compute button (served page)', { timeout: 20000 });
    await button.click();
    const status = await answer;
    assert.equal(sent.length, 1, 'one request');
    assert.match(sent[0].url, new RegExp(`/api/runs/${runId}/inspect$`));
    assert.deepEqual(sent[0].body, { node: tag, index: wanted });
    assert.equal(sent[0].token, serve.token, 'the token from the URL acc serve printed');
    if (status === null) await waitText(page, page.locator('[data-testid=network-hint-status]'), /done/, 'the answer shown');
    else { // the capture's events reach the page through the run's log, and it replaces the hint
      assert.equal(status, 200, 'acc serve ran acc inspect');
      await waitAttr(page, '[data-testid=network-layer-row]', 'data-layer', (v) => v.length === expect.network.layers, 'the new capture\'s layers', { timeout: 30000 });
      assert.equal(await page.locator('[data-testid=network-index]').inputValue(), String(wanted), 'showing the computed example');
      await screenshot(page, 'network-served-computed');
    }
  } finally {
    await page.goto('about:blank'); // no poll of the page may be cut off by stopping the server
    serve.stop();
  }
}, { timeout: 120000 });
