// The line charts' smoothing and downsampling in Chromium (issue 23, parts 2 and 3): the
// smoothing slider of the loss and evaluation charts lives in the URL and survives a reload, a
// smoothed chart keeps one legend row per branch; a run copy with a 20,000-point curve holding
// one spike is drawn downsampled with the spike kept, and hovering reads the real value at a
// real step. The maths: viewer/src/panels/smoothing.test.mjs and downsample.test.mjs.
//
// Run: node --test tests/browser/smoothing.test.mjs   (CTest: viewer_smoothing_browser, label browser)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { OUTPUT_DIR, checkPrerequisites } from './env.mjs';
import { BrowserSession, runHash, screenshot, viewerUrl, waitAttr, waitHook } from './browser_session.mjs';
import { copyRunOutsideRoot, makeFixtureRun, readEvents, rewriteMirror } from './fixture_runs.mjs';

const ROOT = path.join(OUTPUT_DIR, 'smoothing_runs');
const LONG = path.join(OUTPUT_DIR, 'smoothing_long'); // the copy with a long curve
const LONG_POINTS = 20000;
const SPIKE_AT = 12345; // step of the single spike
const SPIKE = 50;
let session;
let runDir;
let longDir;
let longValues; // step -> loss of the appended curve

before(async () => {
  checkPrerequisites();
  for (const dir of [ROOT, LONG]) fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(ROOT, { recursive: true });
  runDir = await makeFixtureRun(ROOT);
  // The copy: a third branch ("from long") logged every step, noisy around 1, with one spike.
  longDir = copyRunOutsideRoot(runDir, LONG);
  const events = readEvents(longDir);
  const time = events[events.length - 1].time;
  longValues = new Map();
  const lines = [];
  for (let step = 1; step <= LONG_POINTS; step++) {
    const loss = step === SPIKE_AT ? SPIKE : 1 + 0.05 * Math.sin(step * 12.9898);
    longValues.set(step, loss);
    lines.push({ type: 'train.metrics', time, payload: { step, from: 'long', loss } });
  }
  const all = [...events, ...lines].map((e, i) => JSON.stringify({ ...e, seq: i + 1 }));
  fs.writeFileSync(path.join(longDir, 'events.jsonl'), all.join('\n') + '\n');
  await rewriteMirror(longDir);
  session = await BrowserSession.launch();
});

after(async () => {
  if (session) await session.close();
});

function pageTest(name, fn) {
  test(name, { timeout: 60000 }, async () => {
    await session.checkPage(name, fn);
  });
}

const LOSS = '[data-testid=chart][data-quantity=loss]';
const hashParams = (page) => page.evaluate(() => Object.fromEntries(new URLSearchParams(window.location.hash.split('?')[1] || '')));
const legendLabels = (page, selector) => page.$eval(selector, (box) => [...box.querySelectorAll('.u-legend .u-series')].slice(1).map((r) => r.querySelector('.u-label').textContent));

pageTest('the smoothing sliders live in the URL; a smoothed chart has one legend row per branch', async (page) => {
  const id = path.basename(runDir);
  await page.goto(viewerUrl({ root: ROOT }, runHash(id, { view: 'overview' })));
  const [series] = await waitAttr(page, LOSS, 'data-series', (v) => Number(v[0]) > 0, 'a loss chart with series');
  const plain = await legendLabels(page, LOSS);
  assert.equal(plain.length, Number(series));

  await page.goto(viewerUrl({ root: ROOT }, runHash(id, { view: 'overview', smooth: '0.9', eval_smooth: '0.5' })));
  await waitAttr(page, LOSS, 'data-smoothing', (v) => v[0] === '0.9', 'the loss chart smoothed at 0.9 from the URL');
  await waitAttr(page, '[data-testid=eval-chart]', 'data-smoothing', (v) => v.length > 0 && v.every((x) => x === '0.5'), 'evaluation charts smoothed at 0.5');
  assert.deepEqual(await legendLabels(page, LOSS), plain, 'the faint raw lines add no legend rows');
  const sliders = page.locator('[data-testid=smoothing]');
  assert.equal(await sliders.count(), 2, 'one slider for the losses, one for the evaluation charts');
  assert.equal(await sliders.nth(0).inputValue(), '0.9');
  assert.match(await page.locator('.chart-card:has([data-quantity=loss]) .chart-title').innerText(), /smoothed, τ ≈ [\d.]+ steps/);
  await screenshot(page, 'smoothing-on');

  await sliders.nth(0).fill('0.3');
  await waitAttr(page, LOSS, 'data-smoothing', (v) => v[0] === '0.3', 'the loss chart re-smoothed after moving the slider');
  assert.equal((await hashParams(page)).smooth, '0.3');
  await page.reload();
  await waitAttr(page, LOSS, 'data-smoothing', (v) => v[0] === '0.3', 'smoothing 0.3 kept across a reload');
  await sliders.nth(0).fill('0');
  await waitAttr(page, LOSS, 'data-smoothing', (v) => v[0] === '0', 'smoothing off');
  assert.equal((await hashParams(page)).smooth, undefined, 'smoothing off removes the key');
});

pageTest('a 20,000-point curve is drawn downsampled with its spike, and hover reads real points', async (page) => {
  await page.goto(viewerUrl({ run: longDir }, runHash(path.basename(longDir), { view: 'overview' })));
  const [points] = await waitAttr(page, LOSS, 'data-points', (v) => Number(v[0]) >= LONG_POINTS, `the loss chart holding all ${LONG_POINTS} points`, { timeout: 30000 });
  assert.equal(await page.getAttribute(LOSS, 'data-downsampled'), 'true');
  const box = await page.locator(`${LOSS} .u-over`).boundingBox();
  const drawn = Number(await page.getAttribute(LOSS, 'data-drawn-points'));
  const series = Number(await page.getAttribute(LOSS, 'data-series'));
  assert.ok(drawn <= 4 * Math.ceil(box.width + 20) * series, `${drawn} points drawn for ${points} on a ${box.width} px chart`);
  assert.equal(Number(await page.getAttribute(LOSS, 'data-drawn-max')), SPIKE, 'the spike is among the drawn points');
  await screenshot(page, 'downsampled-spike');

  // Hover: the "from long" row shows "<value> @ <step>", a real point of the curve.
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
  const labels = await legendLabels(page, LOSS);
  const row = labels.indexOf('from long');
  assert.ok(row >= 0, `a legend row "from long" among ${labels.join(', ')}`);
  const text = await page.$eval(LOSS, (el, i) => el.querySelectorAll('.u-legend .u-series')[i + 1].querySelector('.u-value').textContent, row);
  const m = /^(\S+) @ (\d+)$/.exec(text);
  assert.ok(m, `legend value "${text}" is "<value> @ <step>"`);
  const [value, step] = [Number(m[1]), Number(m[2])];
  assert.ok(longValues.has(step), `step ${step} is a logged step`);
  assert.ok(Math.abs(value - longValues.get(step)) < 1e-3, `the value at step ${step}: ${value} vs ${longValues.get(step)}`);
  assert.ok(Math.abs(step - 0.6 * LONG_POINTS) < LONG_POINTS / 50, `step ${step} is near the cursor (~${0.6 * LONG_POINTS})`);
});
