// Row 5 of the bench: how long until the viewer (viewer/index.html) is usable on a large run,
// against the floor page (bench/viewer_floor.html) on the same mirror files, in one headless
// Chromium. Every measurement is a fresh browser context (no cache, no page state) and is timed
// inside the page from navigation start (performance.now() counts from performance.timeOrigin)
// by polling the page's own hooks; the two sides are interleaved so a change in load hits both.
//
//   node bench/viewer_bench.mjs --root DIR --run-id ID --node TAG --projection REL \
//        --metrics N --events N --points N [--repeats 3] [--warmup 1] [--views overview,explorer,events]
//
// Prints one JSON object: {repeats: [{viewer: {...}, floor: {...}}], ...}. run_bench.py runs it.

import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const VIEWER_DIR = path.join(HERE, '..', 'viewer');
// The flags the viewer's browser tests use (issue 5); WebGL runs in software with them.
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run'];
const VIEWPORT = { width: 1280, height: 860 }; // as the browser tests
const POLL_MS = 10; // resolution of every "ready" time below
const TIMEOUT_MS = 120000;
const HOVER_POINT = 12345; // any point works; the tooltip names the one under the cursor

const { values: opt } = parseArgs({
  options: {
    root: { type: 'string' }, 'run-id': { type: 'string' }, node: { type: 'string' },
    projection: { type: 'string' }, metrics: { type: 'string' }, events: { type: 'string' },
    points: { type: 'string' }, repeats: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '1' }, views: { type: 'string', default: 'overview,explorer,events' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
  },
});
const metrics = Number(opt.metrics);
const eventCount = Number(opt.events);
const points = Number(opt.points);
const views = opt.views.split(',');

// playwright-core lives in viewer/node_modules, which is not on this file's resolution path.
const { chromium } = createRequire(path.join(VIEWER_DIR, 'package.json'))('playwright-core');

function viewerUrl(hash) {
  const url = pathToFileURL(path.join(VIEWER_DIR, 'index.html'));
  url.searchParams.set('root', path.resolve(opt.root));
  url.hash = hash;
  return url.href;
}

function floorUrl(what) {
  const url = pathToFileURL(path.join(HERE, 'viewer_floor.html'));
  url.searchParams.set('run', pathToFileURL(path.join(path.resolve(opt.root), opt['run-id'])).href + '/');
  url.searchParams.set('what', what);
  url.searchParams.set('projection', opt.projection);
  return url.href;
}

const run = `#/run/${encodeURIComponent(opt['run-id'])}`;

// Resolves with the page's performance.now() at the first poll where `predicate(arg)` holds.
async function readyAt(page, predicate, arg) {
  const handle = await page.waitForFunction(
    ({ src, arg: a }) => (new Function('a', `return (${src})(a)`))(a) ? performance.now() : false,
    { src: predicate.toString(), arg }, { polling: POLL_MS, timeout: TIMEOUT_MS });
  return handle.jsonValue();
}

// Opens `url` in a fresh context and returns its page, recording page errors (a run that
// only looks fast because it failed must not count).
async function open(browser, url, errors) {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(url, { waitUntil: 'commit' });
  return { page, close: () => context.close() };
}

// (a) Overview: every loss chart has a point per train.metrics event, i.e. all events were
// loaded, parsed and plotted.
async function viewerOverview(browser, errors) {
  const { page, close } = await open(browser, viewerUrl(`${run}?view=overview`), errors);
  const ms = await readyAt(page, (n) => {
    const charts = [...document.querySelectorAll('[data-testid=chart]')];
    return charts.length > 0 && charts.every((c) => Number(c.dataset.points) === n && c.querySelector('canvas'));
  }, metrics);
  const charts = await page.$$eval('[data-testid=chart]', (cs) => cs.length);
  await close();
  return { ms, charts };
}

// (b) Explorer: all points drawn, then a real mouse move over a point shows its tooltip.
async function viewerExplorer(browser, errors) {
  const url = viewerUrl(`${run}?view=explorer&node=${encodeURIComponent(opt.node)}&method=umap&dims=2`);
  const { page, close } = await open(browser, url, errors);
  const drawnMs = await readyAt(page, (n) =>
    Number(document.querySelector('[data-testid=explorer]')?.dataset.pointsDrawn) === n, points);
  const at = await page.evaluate((i) => window.__accExplorer.screenPositionOf(i), HOVER_POINT);
  await page.mouse.move(at.x, at.y);
  const interactiveMs = await readyAt(page, () => {
    const tip = document.querySelector('[data-testid=hover-tooltip]');
    return tip && !tip.hidden && tip.dataset.point !== undefined;
  });
  const hovered = await page.$eval('[data-testid=hover-tooltip]', (t) => Number(t.dataset.point));
  await close();
  return { drawn_ms: drawnMs, interactive_ms: interactiveMs, hovered_point: hovered };
}

// (c) Events log: the count line names every event and the first rows are in the table.
async function viewerEvents(browser, errors) {
  const { page, close } = await open(browser, viewerUrl(`${run}?view=events`), errors);
  const ms = await readyAt(page, (n) => {
    const line = document.querySelector('.events-panel .panel-head .muted');
    return line && line.textContent.endsWith(` of ${n} events`) && document.querySelector('[data-testid=event-row]');
  }, eventCount);
  await close();
  return { ms };
}

async function floor(browser, what, errors) {
  const { page, close } = await open(browser, floorUrl(what), errors);
  const ms = await readyAt(page, () => document.body && (document.body.dataset.done || document.body.dataset.error));
  const body = await page.evaluate(() => ({ ...document.body.dataset }));
  await close();
  if (body.error) throw new Error(`floor ${what}: ${body.error}`);
  return { ms, loaded_ms: Number(body.loadedMs), parsed_ms: Number(body.parsedMs), events: Number(body.events), points: Number(body.points) };
}

// One round: each measurement of the viewer followed by its floor.
async function round(browser) {
  const errors = [];
  const viewer = {};
  const peer = {};
  if (views.includes('overview') || views.includes('events')) peer.overview = await floor(browser, 'overview', errors);
  if (views.includes('overview')) viewer.overview = await viewerOverview(browser, errors);
  if (views.includes('explorer')) {
    viewer.explorer = await viewerExplorer(browser, errors);
    peer.explorer = await floor(browser, 'explorer', errors);
  }
  if (views.includes('events')) viewer.events = await viewerEvents(browser, errors);
  return { viewer, floor: peer, errors };
}

const browser = await chromium.launch({ executablePath: opt.chromium, args: CHROMIUM_FLAGS });
try {
  // An untimed round first puts the mirror files in the OS page cache for both sides alike.
  for (let i = 0; i < Number(opt.warmup); i++) await round(browser);
  const repeats = [];
  for (let i = 0; i < Number(opt.repeats); i++) {
    const r = await round(browser);
    process.stderr.write(`  row 5 repeat ${i}: ${JSON.stringify({ viewer: r.viewer, floor: r.floor })}\n`);
    repeats.push(r);
  }
  console.log(JSON.stringify({ chromium: browser.version(), poll_ms: POLL_MS, viewport: VIEWPORT, repeats }));
} finally {
  await browser.close();
}
