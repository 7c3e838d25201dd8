// Makes the fixture bundles once (tests/fixtures/make_fixtures.sh, the same script the unit
// tests use: real 7zz + openssl) into build/fixtures; the script reuses its own cache.
// REELCHECK_E2E_QUICK=1 skips the 4,100-chip reel.
import { chromium } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { disabledFeatures } from '../scripts/chromium_features.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');

export default async function globalSetup(config) {
  process.env.REELCHECK_CHROMIUM_DISABLED_FEATURES =
    await disabledFeatures(chromium, config.projects[0].use.launchOptions || {});
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
