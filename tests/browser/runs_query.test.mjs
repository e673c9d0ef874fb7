// The runs list's query box in Chromium (issue 23, part 5): two short fixture runs in one
// root; a query on the run id and one on a metric filter the list and show "N of M runs", the
// query survives a reload through the URL, and a bad query shows a one-line notice with its
// position while the list stays unfiltered. The language itself: viewer/src/pages/run_query.test.mjs.
//
// Run: node --test tests/browser/runs_query.test.mjs   (CTest: viewer_runs_query_browser, label browser)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { OUTPUT_DIR, checkPrerequisites } from './env.mjs';
import { BrowserSession, formatErrors, screenshot, viewerUrl, waitHook } from './browser_session.mjs';
import { waitText } from './page_checks.mjs';
import { makeFixtureRun } from './fixture_runs.mjs';

const ROOT = path.join(OUTPUT_DIR, 'query_runs');
let session;
let runs; // [{id, summary}]

before(async () => {
  checkPrerequisites();
  fs.rmSync(ROOT, { recursive: true, force: true });
  fs.mkdirSync(ROOT, { recursive: true });
  const dirs = await Promise.all([makeFixtureRun(ROOT, ['steps=2']), makeFixtureRun(ROOT, ['steps=6'])]);
  runs = dirs.map((d) => ({ id: path.basename(d), summary: JSON.parse(fs.readFileSync(path.join(d, 'summary.json'), 'utf8')) }));
  session = await BrowserSession.launch();
});

after(async () => {
  if (session) await session.close();
});

// The largest value of task.metric over a run's nodes: a metric term matches on any node.
function bestOf(summary, key) {
  const dot = key.lastIndexOf('.'); // task names may hold dots (disentanglement.shapes)
  const [task, metric] = [key.slice(0, dot), key.slice(dot + 1)];
  const values = Object.values(summary.final_metrics || {}).map((m) => m?.[task]?.[metric]).filter((v) => typeof v === 'number');
  return values.length ? Math.max(...values) : null;
}

// A metric whose best value differs between the two runs, with a threshold between them.
function separatingMetric() {
  const keys = new Set();
  for (const r of runs) for (const m of Object.values(r.summary.final_metrics || {})) for (const [t, ms] of Object.entries(m || {})) for (const k of Object.keys(ms || {})) keys.add(`${t}.${k}`);
  for (const key of keys) {
    const [a, b] = runs.map((r) => bestOf(r.summary, key));
    if (a !== null && b !== null && a !== b) return { key, threshold: (a + b) / 2, above: a > b ? runs[0].id : runs[1].id };
  }
  return null;
}

async function rowIds(page) {
  return page.$$eval('[data-testid=run-row]', (els) => els.map((e) => e.dataset.runId));
}

test('a query filters the runs list, lives in the URL, and a bad one shows where it fails', { timeout: 60000 }, async () => {
  const name = 'runs query';
  const page = await session.newPage(name);
  try {
    await page.goto(viewerUrl({ root: ROOT }, '#/'));
    await waitHook(page, '[data-testid=runs-table]', 'runs list table');
    const count = page.locator('[data-testid=runs-count]');
    await waitText(page, count, /^2 runs/, 'the count of both runs before any query');
    const box = await waitHook(page, '[data-testid=runs-query]', 'the query box');

    const [kept, dropped] = runs;
    await box.fill(`id="${kept.id}"`);
    await waitText(page, count, /^1 of 2 runs/, 'the count after a query on one run id');
    assert.deepEqual(await rowIds(page), [kept.id], `only ${kept.id} should be listed`);
    const hash = new URL(page.url()).hash;
    assert.equal(new URLSearchParams(hash.slice(hash.indexOf('?') + 1)).get('q'), `id="${kept.id}"`, `the query should be in the hash (${hash})`);

    await page.reload();
    await waitText(page, page.locator('[data-testid=runs-count]'), /^1 of 2 runs/, 'the count after a reload');
    assert.equal(await page.locator('[data-testid=runs-query]').inputValue(), `id="${kept.id}"`, 'the box should be restored from the URL');
    assert.deepEqual(await rowIds(page), [kept.id]);

    const metric = separatingMetric();
    if (metric) {
      await page.locator('[data-testid=runs-query]').fill(`${metric.key}>${metric.threshold} or id=${dropped.id}x`);
      await waitText(page, page.locator('[data-testid=runs-count]'), /^1 of 2 runs/, `the count after ${metric.key}>${metric.threshold}`);
      assert.deepEqual(await rowIds(page), [metric.above], `${metric.key}>${metric.threshold} should keep ${metric.above}`);
    }

    await page.locator('[data-testid=runs-query]').fill('status==completed');
    const notice = await waitHook(page, '[data-testid=runs-query-error]', 'the notice of a bad query');
    await waitText(page, notice, /unknown operator '==' .* at position 7/, 'the notice naming the operator and its position');
    await waitText(page, page.locator('[data-testid=runs-count]'), /^2 runs/, 'the unfiltered count under a bad query');
    assert.equal(await page.locator('[data-testid=run-row]').count(), 2, 'a bad query leaves the list unfiltered');
    await screenshot(page, 'runs-query-error');

    await page.locator('[data-testid=runs-query]').fill('');
    await page.waitForFunction(() => document.querySelector('[data-testid=runs-query-error]').hidden);
    assert.equal(new URL(page.url()).hash, '#/', 'an empty query leaves the hash');
  } finally {
    await page.close();
  }
  const errors = session.errorsOf(name);
  assert.equal(errors.length, 0, `console/page errors on this page:\n${formatErrors(errors)}`);
});
