// Browser tests of the static viewer (issue #5): acc makes a small fixture run (a fork into two
// branches, both evaluated with every artifact), headless Chromium opens viewer/index.html from
// file:// and each test checks one page through its data-testid hooks. Screenshots of every
// view go to $ACC_TEST_OUTPUT (default tests/output/viewer/), beside the runs they show.
//
// Run: node --test tests/browser/viewer.test.mjs   (CTest: viewer_browser, label browser)
// How to add a check: add a viewerTest(...) below; it gets a fresh page whose console errors
// fail that test and the final one.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { OUTPUT_DIR, checkPrerequisites } from './env.mjs';
import { BrowserSession, formatErrors, runHash, screenshot, viewerUrl, waitAttr, waitHook } from './browser_session.mjs';
import {
  expectImagesLoaded, mostIsolatedPoint, recordRequests, redownloadedEventFiles, showsNumber, waitNotice, waitText,
} from './page_checks.mjs';
import {
  copyRunOutsideRoot, evalCurveExpectation, knnSize, makeConcurrentCopy, makeFixtureRun, nodeMetasByTag, projectionPointCount,
  rewriteMirror, startLiveRun,
} from './fixture_runs.mjs';

const ROOT = path.join(OUTPUT_DIR, 'runs'); // the fixture runs
const OUTSIDE = path.join(OUTPUT_DIR, 'outside'); // a damaged copy, outside any runs root
const LIVE_ROOT = path.join(OUTPUT_DIR, 'live'); // the run watched while it trains
const CONCURRENT = path.join(OUTPUT_DIR, 'concurrent'); // a copy rewritten as if its branches trained at once
const FORKED = ['lr_low_trained', 'lr_high_trained'];
// Long enough that the page sees the chart grow and polls a few times after the first event
// page closed (256 lines): 2 branches x 200 steps, ~500 event lines, ~20 s at ~25 steps/s.
const LIVE_STEPS = 200;

let session;
let mainRun; // the fixture run every page test looks at
let secondRun; // a shorter one in the same root, for the runs list
let runId;
let metas; // {tag: meta.json}

before(async () => {
  checkPrerequisites();
  for (const dir of [ROOT, OUTSIDE, LIVE_ROOT, CONCURRENT]) fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(ROOT, { recursive: true });
  for (const f of fs.readdirSync(OUTPUT_DIR)) if (f.endsWith('.png')) fs.rmSync(path.join(OUTPUT_DIR, f)); // no stale FAILED-*.png
  [mainRun, secondRun] = await Promise.all([makeFixtureRun(ROOT), makeFixtureRun(ROOT, ['steps=2'])]);
  runId = path.basename(mainRun);
  metas = nodeMetasByTag(mainRun);
  session = await BrowserSession.launch();
});

after(async () => {
  if (session) await session.close();
});

// A test on a fresh page; its console/page errors fail it unless `allowError(e)` says they are
// the expected consequence of the test's own damage.
function viewerTest(name, fn, { allowError = () => false, timeout = 60000 } = {}) {
  test(name, { timeout }, async () => {
    const page = await session.newPage(name);
    try {
      await fn(page);
    } finally {
      await page.close();
      for (const e of session.errorsOf(name)) e.allowed = allowError(e);
    }
    const unexpected = session.errorsOf(name).filter((e) => !e.allowed);
    assert.equal(unexpected.length, 0, `console/page errors on this page:\n${formatErrors(unexpected)}`);
  });
}

const rootUrl = (hash) => viewerUrl({ root: ROOT }, hash);

viewerTest('runs list shows the fixture run and the second run of the root', async (page) => {
  await page.goto(rootUrl('#/'));
  await waitHook(page, '[data-testid=runs-table]', 'runs list table');
  for (const dir of [mainRun, secondRun]) {
    const id = path.basename(dir);
    const row = await waitHook(page, `[data-testid=run-row][data-run-id="${id}"]`, `runs list row of ${id}`);
    await waitText(page, row, /completed/i, `status "completed" in the row of ${id}`);
  }
  assert.equal(await page.locator('[data-testid=run-row]').count(), 2, 'the runs list should hold exactly the 2 runs of the root');
  await screenshot(page, 'runs-list');
});

viewerTest('run page: phase progress, a chart with data, the events log and the forked tree', async (page) => {
  await page.goto(rootUrl(runHash(runId, { view: 'overview' })));
  await waitHook(page, '[data-testid=phase-progress]', 'phase progress on the overview');
  await waitAttr(page, '[data-testid=chart]', 'data-points', (v) => v.some((n) => Number(n) > 0), 'a chart with data-points > 0 on the overview');
  await screenshot(page, 'run-overview');

  await (await waitHook(page, '[data-testid=nav-events]', 'nav link to the events view')).click();
  const events = await waitHook(page, '[data-testid=events-table]', 'events table');
  // The table shows only the rows in view, following the end of the log.
  await waitText(page, events, /run\.completed|artifact\.created|train\.metrics/, 'event rows in the events table');
  await screenshot(page, 'run-events');

  await (await waitHook(page, '[data-testid=nav-tree]', 'nav link to the tree view')).click();
  await waitHook(page, '[data-testid=tree]', 'checkpoint tree');
  assert.match(new URL(page.url()).hash, /view=tree/, 'the tree view should be in the URL hash');
  for (const tag of Object.keys(metas)) await waitHook(page, `[data-testid=tree-node][data-node-tag="${tag}"]`, `tree node ${tag}`);
  assert.equal(await page.locator('[data-testid=tree-node]').count(), Object.keys(metas).length, 'one tree node per checkpoint');
  await screenshot(page, 'run-tree');
});

viewerTest('node panel shows the evaluation images, all loaded', async (page) => {
  const tag = FORKED[0];
  await page.goto(rootUrl(runHash(runId, { view: 'node', node: tag })));
  const panel = await waitHook(page, '[data-testid=node-panel]', `node panel of ${tag}`);
  await waitText(page, panel, new RegExp(tag), `the node panel naming ${tag}`);
  await waitHook(page, 'img[data-testid=artifact-image]', `artifact images of ${tag}`);
  const sources = await expectImagesLoaded(page, 'img[data-testid=artifact-image]', `artifact images of ${tag}`);
  for (const kind of ['reconstructions', 'traversal_', 'sort_']) {
    assert.ok(sources.some((s) => s.includes(kind)), `no artifact-image of kind ${kind} among ${sources.join(', ')}`);
  }
  await screenshot(page, `node-${tag}`);
});

viewerTest('latent explorer draws every point, hovers a thumbnail and draws kNN edges', async (page) => {
  const tag = FORKED[0];
  const n = projectionPointCount(mainRun, tag);
  const k = knnSize(mainRun, tag);
  // edges=topk: every selected point draws its k edges (the default mode gates them by a radius).
  await page.goto(rootUrl(runHash(runId, { view: 'explorer', node: tag, edges: 'topk' })));
  await waitHook(page, '[data-testid=explorer-canvas]', 'explorer canvas');
  await waitAttr(page, '[data-testid=explorer]', 'data-points-drawn', (v) => v.some((x) => Number(x) === n), `explorer data-points-drawn == ${n} (the projection's n)`);
  await page.waitForFunction(() => window.__accExplorer && window.__accExplorer.pointCount() > 0, null, { timeout: 5000 })
    .catch(() => { throw new Error('window.__accExplorer with pointCount() > 0 is missing'); });
  assert.equal(await page.evaluate(() => window.__accExplorer.pointCount()), n, 'window.__accExplorer.pointCount()');

  const target = await mostIsolatedPoint(page);
  assert.ok(target, 'no explorer point lies inside the canvas (window.__accExplorer.screenPositionOf)');
  await page.mouse.move(target.x, target.y);
  const tooltip = await waitHook(page, '[data-testid=hover-tooltip]', `hover tooltip of point ${target.i}`);
  await waitHook(page, '[data-testid=hover-tooltip] [data-testid=hover-thumb][data-loaded="1"]', 'loaded hover thumbnail', { state: 'attached' });
  await waitText(page, tooltip, new RegExp(`\\b${target.i}\\b`), `the hover tooltip showing index ${target.i}`);
  await screenshot(page, 'explorer-hover');

  await page.evaluate((i) => window.__accExplorer.select(i), target.i);
  await waitAttr(page, '[data-edges-drawn]', 'data-edges-drawn', (v) => v.some((x) => Number(x) === k), `${k} kNN edges (top-k mode) after selecting point ${target.i}`);
  await screenshot(page, 'explorer-selected');

  // A new hash alone does not re-render the explorer (it reads its state on load), so reload.
  await page.goto(rootUrl(runHash(runId, { view: 'explorer', node: tag, method: 'umap', dims: 3 })));
  await page.reload();
  await waitAttr(page, '[data-testid=explorer]', 'data-points-drawn', (v) => v.some((x) => Number(x) === n), `3D UMAP explorer data-points-drawn == ${n}`);
  await screenshot(page, 'explorer-3d-umap');
});

viewerTest('comparison shows both branches with the metrics of their metas', async (page) => {
  await page.goto(rootUrl(runHash(runId, { view: 'compare', nodes: FORKED.join(',') })));
  const compare = await waitHook(page, '[data-testid=compare]', 'comparison view');
  for (const tag of FORKED) await waitHook(page, `[data-testid=compare-col][data-node-tag="${tag}"]`, `comparison column of ${tag}`);
  // recon psnr: values far apart and with distinct digits, so a match is not a coincidence.
  const lines = (await compare.innerText()).split('\n').filter((l) => /psnr/i.test(l));
  for (const tag of FORKED) {
    const value = metas[tag].metrics.recon.psnr;
    const column = await page.locator(`[data-testid=compare-col][data-node-tag="${tag}"]`).innerText();
    const columnLines = column.split('\n').filter((l) => /psnr/i.test(l));
    const shown = (columnLines.length ? columnLines : lines).some((l) => showsNumber(l, value));
    assert.ok(shown, `recon.psnr of ${tag} (${value} in meta.json) not shown; psnr lines: ${JSON.stringify(columnLines.length ? columnLines : lines)}`);
  }
  await expectImagesLoaded(page, 'img[data-testid=artifact-image]', 'grids side by side');
  await screenshot(page, 'compare');
});

viewerTest('a refresh returns to the same view', async (page) => {
  const tag = FORKED[1];
  await page.goto(rootUrl(runHash(runId, { view: 'tree' })));
  await (await waitHook(page, `[data-testid=tree-node][data-node-tag="${tag}"]`, `tree node ${tag}`)).click();
  await waitText(page, await waitHook(page, '[data-testid=node-panel]', `node panel after clicking ${tag}`), new RegExp(tag), `node panel naming ${tag}`);
  const hash = new URL(page.url()).hash;
  assert.match(hash, new RegExp(`node=${tag}`), 'the selected node should be in the URL hash');
  await page.reload();
  assert.equal(new URL(page.url()).hash, hash, 'the reload kept the hash');
  await waitText(page, await waitHook(page, '[data-testid=node-panel]', 'node panel after reload'), new RegExp(tag), `node panel naming ${tag} after reload`);
  await screenshot(page, 'refreshed-node');
});

// acc with `eval_every` writes train.eval events; until the fixture recipe attaches
// evaluation-only tasks the section must stay hidden, so this checks whichever applies.
viewerTest('loss health: the recon chart carries the worst current class of its branches and shades the rest', async (page) => {
  // Expected from the fixture's own train.health events (lr_low trains with health_window 10).
  const rank = ['healthy', 'plateau', 'trivial', 'diverging'];
  const latest = new Map();
  let bands = 0;
  for (const line of fs.readFileSync(path.join(mainRun, 'events.jsonl'), 'utf8').split('\n')) {
    if (!line.includes('"train.health"')) continue;
    const p = JSON.parse(line).payload;
    if (p.task !== 'recon') continue;
    latest.set(p.from, p.health);
    if (p.health !== 'healthy') bands += 1;
  }
  assert.ok(latest.size > 0, 'the fixture run should have train.health events for recon');
  const worst = [...latest.values()].reduce((w, c) => (rank.indexOf(c) > rank.indexOf(w) ? c : w), 'healthy');
  await page.goto(rootUrl(runHash(runId, { view: 'overview' })));
  await waitAttr(page, '[data-testid=chart][data-quantity=recon]', 'data-health-bands', (v) => Number(v[0]) === bands, `${bands} shaded non-healthy band(s) on the recon chart`);
  const badge = page.locator('.chart-card:has([data-quantity=recon]) [data-testid=health-badge]');
  assert.equal(await badge.getAttribute('data-health'), worst, 'the recon badge shows the worst current class');
  assert.equal((await badge.textContent()).trim(), worst);
  await screenshot(page, 'run-loss-health');
});

viewerTest('evaluation during training: one chart per metric and a series per branch, or hidden without train.eval', async (page) => {
  const expected = evalCurveExpectation(mainRun);
  await page.goto(rootUrl(runHash(runId, { view: 'overview' })));
  // The chart has data once the store has parsed the whole (one-page) log.
  await waitAttr(page, '[data-testid=chart]', 'data-points', (v) => v.some((n) => Number(n) > 0), 'a loss chart with data');
  if (!Object.keys(expected).length) {
    assert.equal(await page.locator('[data-testid=eval-curves]').isVisible(), false, 'the run has no train.eval events, yet "Evaluation during training" shows');
    assert.equal(await page.locator('[data-testid=eval-chart]').count(), 0, 'evaluation charts without train.eval events');
    return;
  }
  await expectEvalCurves(page, expected);
  await screenshot(page, 'eval-curves');
});

viewerTest('branches trained at once (interleaved events with `from`): one loss series and one evaluation series per branch', async (page) => {
  const copy = await makeConcurrentCopy(mainRun, CONCURRENT);
  const expected = evalCurveExpectation(copy.dir);
  assert.deepEqual(Object.keys(expected).sort(), copy.evalKeys, 'the rewritten copy holds the made-up train.eval metrics');
  await page.goto(viewerUrl({ run: copy.dir }, runHash(runId, { view: 'overview' })));
  // Before `from`, every switch between the branches cut a new segment: dozens of series.
  await waitAttr(page, '[data-testid=chart][data-quantity=loss]', 'data-series', (v) => v[0] === '2', 'the loss chart with exactly one series per branch');
  await expectEvalCurves(page, expected);
  await screenshot(page, 'concurrent-overview');
  const notices = await page.$$eval('[data-testid=notice]', (els) => els.map((e) => e.innerText).join('\n'));
  assert.doesNotMatch(notices, /train\.eval/, 'train.eval is a known event type: no notice about it');
  await (await waitHook(page, '[data-testid=nav-events]', 'nav link to the events view')).click();
  await waitText(page, page.locator('.type-filters'), /train\.eval/, 'train.eval among the events log type filters');
});

viewerTest('branches training at once: the header shows one progress bar per branch', async (page) => {
  const copy = await makeConcurrentCopy(mainRun, path.join(CONCURRENT, 'running'), { runningAtStep: 16 });
  await page.goto(viewerUrl({ run: copy.dir }, runHash(runId, { view: 'overview' })));
  // The mirror was just written, so the page calls the run live (for 60 s).
  const froms = await waitAttr(page, '[data-testid=progress-bar]', 'data-from', (v) => v.length === 2, 'two progress bars');
  assert.deepEqual(froms, copy.branches, 'one bar per branch, in the order they started');
  for (const from of copy.branches) {
    await waitText(page, page.locator(`[data-testid=progress-bar][data-from="${from}"]`), new RegExp(`from ${from} · train step 16 / 30`), `the bar of ${from} at step 16 of 30`);
  }
  await screenshot(page, 'concurrent-running');
});

// The "Evaluation during training" section draws `expected` ({task.metric: series count}) and
// names and colours each branch as the total-loss chart does.
async function expectEvalCurves(page, expected) {
  await waitHook(page, '[data-testid=eval-curves]', '"Evaluation during training" section');
  const keys = Object.keys(expected).sort();
  await waitAttr(page, '[data-testid=eval-chart]', 'data-metric', (v) => JSON.stringify([...v].sort()) === JSON.stringify(keys), `one evaluation chart per metric: ${keys.join(', ')}`);
  for (const key of keys) {
    const selector = `[data-testid=eval-chart][data-metric="${key}"]`;
    await waitAttr(page, selector, 'data-series', (v) => Number(v[0]) === expected[key], `${expected[key]} series (branches) in the chart of ${key}`);
    await waitAttr(page, selector, 'data-points', (v) => Number(v[0]) > 0, `points in the chart of ${key}`);
  }
  // The legend rows (label, marker colour) of a chart, without the x series.
  const legend = (selector) => page.$eval(selector, (box) => [...box.querySelectorAll('.u-legend .u-series')].slice(1)
    .map((row) => [row.querySelector('.u-label').textContent, getComputedStyle(row.querySelector('.u-marker')).borderColor]));
  const loss = new Map(await legend('[data-testid=chart][data-quantity=loss]'));
  for (const key of keys) {
    for (const [label, color] of await legend(`[data-testid=eval-chart][data-metric="${key}"]`)) {
      assert.ok(loss.has(label), `series "${label}" of ${key} is not a series of the loss chart (${[...loss.keys()].join(', ')})`);
      assert.equal(color, loss.get(label), `series "${label}" has another colour in ${key} than in the loss chart`);
    }
  }
}

// The damage done to a copy of the run, and what a notice must mention for each.
const UNKNOWN_EVENT_TYPE = 'test.unknown_kind';
let corruptedFile = ''; // the mirrored file truncated by the robustness test

viewerTest('a damaged run outside the root shows notices and still renders', async (page) => {
  const copy = copyRunOutsideRoot(mainRun, OUTSIDE);
  const events = path.join(copy, 'events.jsonl');
  const lastSeq = JSON.parse(fs.readFileSync(events, 'utf8').trim().split('\n').pop()).seq;
  fs.appendFileSync(events, [
    JSON.stringify({ seq: lastSeq + 1, time: new Date().toISOString(), type: UNKNOWN_EVENT_TYPE, payload: {} }),
    '{"seq": ' + (lastSeq + 2) + ', "type": "log", "payload": {"message": "malformed', // malformed: cut JSON on a full line
    '{"seq": ' + (lastSeq + 3) + ', "type": "log"', // partial last line: no newline
  ].join('\n'));
  const summaryFile = path.join(copy, 'summary.json');
  const summary = JSON.parse(fs.readFileSync(summaryFile, 'utf8'));
  fs.writeFileSync(summaryFile, JSON.stringify({ ...summary, format_version: 99 }));
  await rewriteMirror(copy);
  corruptedFile = truncateMirroredArtifact(copy, FORKED[0]);

  await page.goto(viewerUrl({ run: copy }, runHash(runId, { view: 'overview' })));
  await waitHook(page, '[data-testid=notice]', 'a notice about the damaged run');
  await waitNotice(page, /malformed|invalid|parse|JSON/i, 'a notice about the malformed events line');
  await waitNotice(page, /newer|version|format 99/i, 'a notice about format_version 99');
  await waitAttr(page, '[data-testid=chart]', 'data-points', (v) => v.some((x) => Number(x) > 0), 'a chart with data despite the damage');
  await screenshot(page, 'damaged-overview');

  await page.goto(viewerUrl({ run: copy }, runHash(runId, { view: 'node', node: FORKED[0] })));
  await waitHook(page, '[data-testid=node-panel]', 'node panel despite the damage');
  await waitNotice(page, /traversals/, `a notice naming the truncated mirror file ${corruptedFile}`);
  await page.goto(viewerUrl({ run: copy }, runHash(runId, { view: 'tree' })));
  for (const tag of Object.keys(metas)) await waitHook(page, `[data-testid=tree-node][data-node-tag="${tag}"]`, `tree node ${tag} despite the damage`);
  await screenshot(page, 'damaged-tree');
  // Checked last and briefly: by now the page has read the whole log.
  await waitNotice(page, new RegExp(UNKNOWN_EVENT_TYPE.replace('.', '\\.')), `a notice naming the unknown event type ${UNKNOWN_EVENT_TYPE}`, { timeout: 3000 });
}, {
  // The truncated mirror file is a script that cannot parse; Chromium reports that as a
  // SyntaxError (a viewer that catches it with a window 'error' listener reports nothing).
  allowError: (e) => (corruptedFile && e.url.includes(path.basename(corruptedFile)))
    || (e.kind === 'pageerror' && /Invalid or unexpected token|Unexpected end of input|missing \) after argument list/.test(e.text)),
});

// Truncates the mirror of a JSON artifact of `tag` that the node page reads (traversals.json names
// the traversal panels); returns its path in the run.
function truncateMirroredArtifact(runDir, tag) {
  const files = path.join(runDir, 'web', 'files', 'eval', tag);
  const name = fs.readdirSync(files).find((f) => /^traversals_step_\d+\.json\.js$/.test(f));
  if (!name) throw new Error(`no mirrored traversals JSON under ${files}: is the mirror complete?`);
  const file = path.join(files, name);
  const text = fs.readFileSync(file, 'utf8');
  fs.writeFileSync(file, text.slice(0, Math.floor(text.length / 2)));
  return `eval/${tag}/${name.replace(/\.js$/, '')}`;
}

viewerTest('a live run updates the page without a reload or re-downloads, then shows completed', async (page) => {
  const live = startLiveRun(LIVE_ROOT, [`steps=${LIVE_STEPS}`]);
  try {
    const liveDir = await live.dir();
    const liveId = path.basename(liveDir);
    const requests = recordRequests(page);
    await page.goto(viewerUrl({ root: LIVE_ROOT }, runHash(liveId, { view: 'overview' })));
    await page.evaluate(() => { window.__sameDocument = true; }); // gone if the page reloads
    const total = (values) => values.reduce((sum, x) => sum + (Number(x) || 0), 0);
    const first = total(await waitAttr(page, '[data-testid=chart]', 'data-points', (v) => total(v) > 0, 'a live chart with data', { timeout: 20000 }));
    await waitAttr(page, '[data-testid=chart]', 'data-points', (v) => total(v) > first, `the live chart growing past ${first} points`, { timeout: 30000 });
    await screenshot(page, 'live-running');
    await expectMarkedLive(live, page.locator('body'), 'the run page');
    const listPage = await session.newPage('a live run updates the page without a reload or re-downloads, then shows completed');
    await listPage.goto(viewerUrl({ root: LIVE_ROOT }, '#/'));
    await expectMarkedLive(live, await waitHook(listPage, `[data-testid=run-row][data-run-id="${liveId}"]`, 'runs list row of the live run'), 'its runs list row');
    await screenshot(listPage, 'live-runs-list');
    await listPage.close();

    const { code, signal, stderr } = await live.exited;
    assert.equal(code, 0, `the live acc run ${signal ? `was killed by ${signal}` : `exited ${code}`}: ${stderr}`);
    await waitText(page, page.locator('body'), /\bcompleted\b/i, 'status "completed" after the live run ended', { timeout: 20000 });
    assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the page reloaded during the live run');

    const { again, loadsOfPage } = redownloadedEventFiles(requests);
    assert.ok(loadsOfPage(1) >= 2, `event page 000000_01 loaded ${loadsOfPage(1)} times: the page did not poll after page 000000_00 closed, so re-downloads were not tested`);
    assert.deepEqual(again, [], 'closed event pages or blocks were downloaded again');
    await screenshot(page, 'live-completed');
  } finally {
    live.stop();
  }
}, { timeout: 150000 });

// While acc still trains, `locator` says the run is live (or running). Checked only when the
// run is alive before and after reading, so a run that just finished cannot fail it.
async function expectMarkedLive(live, locator, what) {
  if (!live.isRunning()) return;
  const text = await locator.innerText();
  if (live.isRunning()) assert.match(text, /\blive\b|\brunning\b/i, `${what} should mark the training run live`);
}

test('no console errors or page errors in any viewer test', (t) => {
  assert.ok(session, 'the browser never started: see the first failure');
  const expected = session.errors.filter((e) => e.allowed);
  for (const e of expected) t.diagnostic(`expected (deliberate damage): [${e.test}] ${e.kind}: ${e.text}`);
  const unexpected = session.errors.filter((e) => !e.allowed);
  assert.equal(unexpected.length, 0, `console/page errors:\n${formatErrors(unexpected)}`);
});
