// Checks on what a viewer page shows that need more than one hook: images that really loaded,
// numbers on screen that agree with the run's files, the live page's script loads, and the
// point of the latent explorer that a mouse can hover without hitting a neighbour.

import { HOOK_TIMEOUT_MS, screenshot, slug } from './browser_session.mjs';

// Every matching <img> has loaded with naturalWidth > 0; returns their src attributes.
export async function expectImagesLoaded(page, selector, what) {
  const images = page.locator(selector);
  const count = await images.count();
  const broken = [];
  for (let i = 0; i < count; i++) {
    const img = images.nth(i);
    await img.scrollIntoViewIfNeeded().catch(() => {}); // lazy images load only near the viewport
    const loaded = await img.evaluate((el, timeout) => new Promise((resolve) => {
      const done = () => resolve(el.complete && el.naturalWidth > 0);
      if (el.complete) return resolve(el.naturalWidth > 0); // loaded, or already failed
      el.addEventListener('load', done, { once: true });
      el.addEventListener('error', () => resolve(false), { once: true });
      setTimeout(done, timeout);
    }), HOOK_TIMEOUT_MS);
    if (!loaded) broken.push(await img.getAttribute('src'));
  }
  if (broken.length) {
    const shot = await screenshot(page, `FAILED-${slug(what)}`);
    throw new Error(`${what}: ${broken.length} of ${count} ${selector} have naturalWidth 0: ${broken.join(', ')} (screenshot: ${shot})`);
  }
  return images.evaluateAll((els) => els.map((e) => e.getAttribute('src')));
}

// Waits until the innerText of `locator` matches `pattern`.
export function waitText(page, locator, pattern, what, options) {
  return waitUntilText(page, () => locator.innerText(), pattern, what, options);
}

// Waits until the user-visible notices together mention `pattern`.
export function waitNotice(page, pattern, what, options) {
  const notices = () => page.$$eval('[data-testid=notice]', (els) => els.map((e) => e.innerText).join('\n'));
  return waitUntilText(page, notices, pattern, `${what} ([data-testid=notice])`, options);
}

async function waitUntilText(page, readText, pattern, what, { timeout = HOOK_TIMEOUT_MS } = {}) {
  const start = Date.now();
  let text = '';
  for (;;) {
    text = await readText().catch(() => '');
    if (pattern.test(text)) return text;
    if (Date.now() - start > timeout) break;
    await page.waitForTimeout(150);
  }
  const shot = await screenshot(page, `FAILED-${slug(what)}`);
  throw new Error(`${what}: text never matched ${pattern} within ${timeout} ms; last text: ${JSON.stringify(text.slice(0, 400))} (screenshot: ${shot})`);
}

// True when some number written in `text` is `value` rounded to the decimals it shows (at least
// two significant digits), so "11.24", "11.2366" and "1.124e+1" all match 11.2366.
export function showsNumber(text, value) {
  for (const token of text.match(/-?\d+(?:\.\d+)?(?:e[+-]?\d+)?/gi) || []) {
    const shown = Number(token);
    const mantissa = token.replace(/e.*$/i, '');
    const decimals = mantissa.includes('.') ? mantissa.split('.')[1].length : 0;
    const exponent = /e/i.test(token) ? Number(token.split(/e/i)[1]) : 0;
    const halfUlp = 0.5 * 10 ** (exponent - decimals) * 1.0001;
    const significant = mantissa.replace(/^-?0*\.?0*/, '').replace('.', '').length;
    if (significant >= 2 && Math.abs(shown - value) <= halfUlp) return true;
  }
  return false;
}

// Records every script/file request of a page with its order, for "not downloaded twice".
export function recordRequests(page) {
  const log = [];
  page.on('request', (r) => log.push({ at: log.length, what: 'start', url: r.url() }));
  page.on('requestfinished', (r) => log.push({ at: log.length, what: 'end', url: r.url() }));
  return log;
}

// Event mirror files loaded again after they were closed (docs/run-format.md, "Viewer mirror"):
// page <b>_<p> is closed once the page after it has finished loading, so a later start of it is
// a re-download; a closed block file <b>.js is never loaded twice. `pagesPerBlock` is
// block_lines / page_lines. Returns the re-downloaded URLs and the load count of a page.
export function redownloadedEventFiles(log, pagesPerBlock = 16) {
  const unitOf = (url) => {
    const m = /\/web\/events\/(\d{6})(?:_(\d{2}))?\.js/.exec(url);
    if (!m) return null;
    return m[2] === undefined ? { block: Number(m[1]) } : { page: Number(m[1]) * pagesPerBlock + Number(m[2]) };
  };
  const firstEnd = new Map(); // page -> log position of its first finished load
  for (const e of log) {
    const u = unitOf(e.url);
    if (u && u.page !== undefined && e.what === 'end' && !firstEnd.has(u.page)) firstEnd.set(u.page, e.at);
  }
  const again = [];
  const pageLoads = new Map();
  const blockLoads = new Map();
  for (const e of log) {
    const u = unitOf(e.url);
    if (!u || e.what !== 'start') continue;
    if (u.block !== undefined) {
      blockLoads.set(u.block, (blockLoads.get(u.block) || 0) + 1);
      if (blockLoads.get(u.block) > 1) again.push(e.url);
      continue;
    }
    pageLoads.set(u.page, (pageLoads.get(u.page) || 0) + 1);
    if (firstEnd.has(u.page + 1) && e.at > firstEnd.get(u.page + 1)) again.push(e.url);
  }
  return { again, loadsOfPage: (page) => pageLoads.get(page) || 0 };
}

// The explorer point (via window.__accExplorer) inside the canvas farthest from its nearest
// on-screen neighbour, so hovering it cannot pick another point.
export async function mostIsolatedPoint(page) {
  return page.evaluate(() => {
    const api = window.__accExplorer;
    const box = document.querySelector('[data-testid=explorer-canvas]').getBoundingClientRect();
    const inset = 8;
    const points = [];
    for (let i = 0; i < api.pointCount(); i++) {
      const p = api.screenPositionOf(i);
      if (p && p.x > box.left + inset && p.x < box.right - inset && p.y > box.top + inset && p.y < box.bottom - inset) points.push({ i, x: p.x, y: p.y });
    }
    let best = null;
    for (const p of points) {
      let nearest = Infinity;
      for (const q of points) if (q !== p) nearest = Math.min(nearest, Math.hypot(p.x - q.x, p.y - q.y));
      if (!best || nearest > best.gap) best = { ...p, gap: nearest };
    }
    return best;
  });
}
