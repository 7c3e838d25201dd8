// Makes the fixture bundles once (tests/fixtures/make_fixtures.sh, the same script the unit
// tests use: real 7zz + openssl) into build/fixtures; the script reuses its own cache.
// REELCHECK_E2E_QUICK=1 skips the 4,100-chip reel.
import { chromium } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');

// Chromium preloads its WebUI omnibox popup in a renderer of its own for every window, and
// every test's context is a window: that renderer cost about 0.8 CPU-seconds per test (a third
// of the browser's CPU in this suite). A headless test never opens the omnibox.
const PRELOADED_BROWSER_UI = ['WebUIOmniboxPopup', 'WebUIOmniboxFullPopup', 'WebUIOmniboxAimPopup'];

// Chromium honours only the last --disable-features switch, and Playwright passes its own list
// (features that would make requests or change behaviour under test): a second switch from the
// config would silently drop that list. So read the list from a browser Playwright starts, and
// hand the workers the union (they read it in playwright.config.mjs).
async function disabledFeatures(launchOptions) {
  const server = await chromium.launchServer({ ...launchOptions, headless: true });
  try {
    const own = server.process().spawnargs
      .filter((a) => a.startsWith('--disable-features='))
      .flatMap((a) => a.slice('--disable-features='.length).split(','))
      .filter(Boolean);
    if (own.length === 0) throw new Error('Playwright passed Chromium no --disable-features list: cannot merge ours into it');
    return [...new Set([...own, ...PRELOADED_BROWSER_UI])].join(',');
  } finally {
    await server.close();
  }
}

export default async function globalSetup(config) {
  process.env.REELCHECK_CHROMIUM_DISABLED_FEATURES =
    await disabledFeatures(config.projects[0].use.launchOptions || {});
  // REELCHECK_WEB_DIR: test a page built elsewhere (the server serves the same folder).
  const web = path.join(process.env.REELCHECK_WEB_DIR || path.join(root, 'build', 'web'), 'index.html');
  if (!fs.existsSync(web)) throw new Error(web + ' is missing: run scripts/build_web.sh first');
  const script = path.join(root, 'tests', 'fixtures', 'make_fixtures.sh');
  const out = process.env.REELCHECK_FIXTURES || path.join(root, 'build', 'fixtures');
  const quick = process.env.REELCHECK_E2E_QUICK === '1';
  // The script caches its output itself (OUTDIR/.stamp) and locks against a concurrent CTest run.
  const t0 = Date.now();
  execFileSync('bash', [script, out, ...(quick ? ['--quick'] : [])], { cwd: root, stdio: 'inherit' });
  console.log(`fixtures ready in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${out}`);
  process.env.REELCHECK_FIXTURES = out;
}
