// Where the browser tests find their tools and put their output, and the checks that stop them
// early with one line saying what to install or build — a missing Chromium or bundle should
// not surface as twenty timeouts.
//
// Environment: ACC_BIN (default <repo>/build/acc), CHROMIUM (default /usr/bin/chromium),
// ACC_TEST_OUTPUT (default <repo>/tests/output/viewer: screenshots and the fixture runs).

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const VIEWER_DIR = path.join(REPO, 'viewer');
export const VIEWER_PAGE = path.join(VIEWER_DIR, 'index.html');
export const VIEWER_BUNDLE = path.join(VIEWER_DIR, 'dist', 'viewer.js');
export const FIXTURE_RECIPE = path.join(REPO, 'tests', 'browser', 'fixture.yaml');
export const ACC_BIN = path.resolve(process.env.ACC_BIN || path.join(REPO, 'build', 'acc'));
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const OUTPUT_DIR = path.resolve(process.env.ACC_TEST_OUTPUT || path.join(REPO, 'tests', 'output', 'viewer'));

const SETUP_HINT = 'run scripts/setup.sh (`make test` runs it)';

// Throws one readable line for the first missing prerequisite.
export function checkPrerequisites() {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: ${SETUP_HINT}, or set CHROMIUM to its path`);
  if (!fs.existsSync(ACC_BIN)) throw new Error(`acc binary not found at ${ACC_BIN}: build it with \`make build\`, or set ACC_BIN`);
  if (!fs.existsSync(VIEWER_PAGE)) throw new Error(`${VIEWER_PAGE} is missing: the viewer is not in this checkout`);
  loadPlaywright();
  if (!fs.existsSync(VIEWER_BUNDLE)) throw new Error(`${VIEWER_BUNDLE} is missing: build it with \`cd viewer && npm run build\` (scripts/setup.sh, which \`make test\` runs, and the CMake target viewer_bundle do it too)`);
}

// playwright-core lives in viewer/node_modules, which is not on this file's resolution path.
export function loadPlaywright() {
  try {
    return createRequire(path.join(VIEWER_DIR, 'package.json'))('playwright-core');
  } catch (err) {
    if (err.code !== 'MODULE_NOT_FOUND') throw new Error(`playwright-core failed to load under Node.js ${process.versions.node} (it needs >= 20): ${err.message}`);
    throw new Error(`playwright-core is not installed in ${VIEWER_DIR}/node_modules: ${SETUP_HINT}`);
  }
}
