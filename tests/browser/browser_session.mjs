// One headless Chromium for a test file, pages that record every console error and page error
// (the viewer must produce none), and waits on the viewer's data-testid hooks that fail with
// the hook's name, the page's URL and a screenshot — so a failure says what was missing.

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CHROMIUM, OUTPUT_DIR, VIEWER_PAGE, loadPlaywright } from './env.mjs';

// The flags the issue prescribes; WebGL2 works with them (software rendering).
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run'];
export const HOOK_TIMEOUT_MS = 10000;

export class BrowserSession {
  static async launch() {
    const { chromium } = loadPlaywright();
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
    return new BrowserSession(browser);
  }

  constructor(browser) {
    this.browser = browser;
    this.errors = []; // {test, kind, text, url}
  }

  // A fresh page whose errors are recorded under `testName`.
  async newPage(testName) {
    const page = await this.browser.newPage({ viewport: { width: 1280, height: 860 } });
    page.on('console', (msg) => {
      if (msg.type() === 'error') this.errors.push({ test: testName, kind: 'console', text: msg.text(), url: msg.location().url || '' });
    });
    page.on('pageerror', (err) => {
      this.errors.push({ test: testName, kind: 'pageerror', text: String(err && err.stack || err), url: '' });
    });
    return page;
  }

  errorsOf(testName) {
    return this.errors.filter((e) => e.test === testName);
  }

  // Runs fn(page) on a fresh page, closes it, then throws when the page logged an error that
  // `allowError` does not accept: the body of every page test.
  async checkPage(testName, fn, { allowError = () => false } = {}) {
    const page = await this.newPage(testName);
    try {
      await fn(page);
    } finally {
      await page.close();
    }
    const errors = this.errorsOf(testName).filter((e) => !allowError(e));
    if (errors.length) throw new Error(`console/page errors on this page:\n${formatErrors(errors)}`);
  }

  async close() {
    await this.browser.close();
  }
}

// file:// URL of viewer/index.html: `query` is {root} or {run} (absolute paths), `hash` e.g. '#/'.
export function viewerUrl(query, hash) {
  const url = pathToFileURL(VIEWER_PAGE);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  url.hash = hash;
  return url.href;
}

export function runHash(runId, params = {}) {
  const query = new URLSearchParams(params).toString();
  return `#/run/${encodeURIComponent(runId)}${query ? '?' + query : ''}`;
}

export async function screenshot(page, name) {
  fs.mkdirSync(OUTPUT_DIR, { recursive: true });
  const file = path.join(OUTPUT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

async function failWithScreenshot(page, name, message) {
  let shot = '';
  try { shot = ` (screenshot: ${await screenshot(page, `FAILED-${name}`)})`; } catch { /* page gone */ }
  throw new Error(`${message} on ${page.url()}${shot}`);
}

// Waits for a visible element matching `selector`; `what` names it in the failure.
export async function waitHook(page, selector, what, { timeout = HOOK_TIMEOUT_MS, state = 'visible' } = {}) {
  const locator = page.locator(selector).first();
  try {
    await locator.waitFor({ state, timeout });
  } catch {
    const present = await page.locator(selector).count();
    const why = present ? `present ${present}x but not ${state}` : 'missing';
    await failWithScreenshot(page, slug(what), `${what}: hook ${selector} ${why} after ${timeout} ms`);
  }
  return locator;
}

// Polls attribute `attr` of the elements matching `selector` until `accept(values)` is true;
// returns the values. `values` are the attribute strings of every match (null when absent).
export async function waitAttr(page, selector, attr, accept, what, { timeout = HOOK_TIMEOUT_MS } = {}) {
  const start = Date.now();
  let values = [];
  for (;;) {
    values = await page.$$eval(selector, (els, a) => els.map((e) => e.getAttribute(a)), attr).catch(() => []);
    if (accept(values)) return values;
    if (Date.now() - start > timeout) break;
    await page.waitForTimeout(100);
  }
  const seen = values.length ? `saw ${attr}=${JSON.stringify(values)}` : `no element matches ${selector}`;
  return failWithScreenshot(page, slug(what), `${what}: ${seen} after ${timeout} ms`);
}

export function slug(text) {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
}

export function formatErrors(errors) {
  return errors.map((e) => `  [${e.test}] ${e.kind}: ${e.text}${e.url ? ` (${e.url})` : ''}`).join('\n');
}
