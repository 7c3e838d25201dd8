// Playwright Test for the Reelcheck page, driving Debian's Chromium (never a downloaded browser).
import { defineConfig } from '@playwright/test';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = '1';
const here = path.dirname(fileURLToPath(import.meta.url));
const port = Number(process.env.REELCHECK_E2E_PORT || 4173);

// The browsers: Debian's packages, never a download. Chromium's headless shell (package
// chromium-headless-shell, built from the same source as chromium, 156 here) is what Playwright
// itself runs headless tests on: the same Blink and V8, without a browser window and its UI per
// test. It runs every test at 20% less CPU than the full browser (260 against 328 CPU-s,
// 2026-12-04). The full browser, the one people open the page in, opens the page from file://
// and verifies a bundle in it.
function launchOptions(executablePath) {
  return {
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', '--disable-dev-shm-usage',
      // Playwright's own --disable-features list plus the browser UI that Chromium preloads
      // for every window (a context is a window): global-setup.mjs merges them
      // (scripts/chromium_features.mjs), since Chromium keeps only the last --disable-features.
      // Absent (the runner's own process), no switch.
      ...(process.env.REELCHECK_CHROMIUM_DISABLED_FEATURES
        ? ['--disable-features=' + process.env.REELCHECK_CHROMIUM_DISABLED_FEATURES] : [])],
  };
}
const headlessShell = process.env.REELCHECK_CHROMIUM_SHELL || '/usr/lib/chromium/chromium-headless-shell';
const fullChromium = process.env.REELCHECK_CHROMIUM || '/usr/bin/chromium';

export default defineConfig({
  testDir: path.join(here, 'tests'),
  outputDir: path.join(here, 'test-results'),
  globalSetup: path.join(here, 'global-setup.mjs'),
  timeout: 120_000,
  expect: { timeout: 30_000 },
  // One test at a time: a test's page already keeps most of the 2 cores busy (its coordinator
  // and verifier workers, Chromium's own threads: 1.6 cores on average alone), and in the suite
  // the native tests run beside them. Two at a time, the whole suite on a warm machine used
  // about 40 CPU-s more and took about 40 s longer (2026-12-04). Tests of what happens during a
  // run hold the run (helpers.holdVerification) and assert no timing, so they do not depend on
  // the load.
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}/`,
    browserName: 'chromium',
    viewport: { width: 1360, height: 900 },
    acceptDownloads: true,
    // Failures are photographed by the suite's own fixture (tests/fixtures.mjs), only when they fail.
    screenshot: 'off',
    trace: 'off',
  },
  projects: [
    { name: 'headless-shell', use: { launchOptions: launchOptions(headlessShell) } },
    { name: 'chromium', grep: /opened from file:/, use: { launchOptions: launchOptions(fullChromium) } },
  ],
  webServer: {
    command: `node ${JSON.stringify(path.join(here, 'server.mjs'))}`,
    url: `http://127.0.0.1:${port}/index.html`,
    reuseExistingServer: !process.env.CI,
    timeout: 20_000,
    env: { REELCHECK_E2E_PORT: String(port) },
  },
});
