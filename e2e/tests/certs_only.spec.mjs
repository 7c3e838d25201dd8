// "I don't have the transport key: check certificates only": the cloud team verifies every
// certificate without the reel's letter. No key is asked for or sent to a worker, the keys
// archive is not opened, and the report is the CLI's `verify --certs-only` report byte for byte.
import { test, onOnePage, expect } from './fixtures.mjs';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { entry, fx, manifest, trustFile, root } from './helpers.mjs';

const cli = process.env.REELCHECK_CLI || path.join(root, 'build', 'release', 'native', 'reelcheck');
const realBundle = path.resolve(process.env.REELCHECK_REAL_BUNDLE_DIR || path.join(root, '..', 'shared', 'reference', 'real-bundle'),
  '78211223032C7EFA_bundle.7z');

// Records every 'open' request the page posts to a worker (window.__opens: its certsOnly, and
// whether it has a key field at all) and every request of any type that carries a key field
// (window.__keys: its type, and the key as it went: null, its length, or its type).
async function recordOpens(page) {
  await page.addInitScript(() => {
    window.__opens = [];
    window.__keys = [];
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (message, transfer) {
      if (message && message.type === 'open') window.__opens.push({ keyField: 'key' in message, certsOnly: message.certsOnly });
      if (message && typeof message === 'object' && 'key' in message) {
        const k = message.key;
        window.__keys.push({ type: message.type, key: k === null ? null : k instanceof Uint8Array ? { length: k.length } : typeof k });
      }
      return post.call(this, message, transfer);
    };
  });
}

async function verifyCertificatesOnly(page, files, { anchors = [], checkTime = manifest().check_time } = {}) {
  await page.locator('#file-input').setInputFiles(files);
  await page.locator('#key-input').fill('typed before the box was ticked');
  await page.locator('#certs-only').check();
  await expect(page.locator('#key-input')).toBeDisabled();
  await expect(page.locator('#key-input')).toHaveValue('');
  await page.locator('#time-input').fill(checkTime);
  if (anchors.length) {
    await page.locator('#anchors-details summary').click();
    await page.locator('#anchor-input').setInputFiles(anchors);
  }
  await page.locator('#verify-button').click();
  await expect(page.locator('#summary')).toBeVisible({ timeout: 100_000 });
}

test('certificates only: no key asked for or sent, the same report as the CLI', async ({ page }, testInfo) => {
  test.skip(!fs.existsSync(cli), 'native CLI not built (build/release/native/reelcheck)');
  const name = 'extra'; // 3 chips without secrets: without the key files they are judged like any other
  const e = entry(name);
  await recordOpens(page);
  await page.goto('index.html');
  await verifyCertificatesOnly(page, e.files.map(fx), { anchors: [trustFile()] });
  await expect(page.locator('#verdict-title')).toHaveText('Bundle verified');
  await expect(page.locator('#verdict-sub')).toContainText('Certificates only: the keys archive was not opened');
  await expect(page.locator('#c-ok')).toHaveText(String(e.chip_count));
  await expect(page.locator('#c-extra')).toHaveText('0');
  // The page begins a run as the form is filled in (the first before the box was ticked, so
  // not certificates only): no open carries a key, the run shown was certificates only, and
  // the one decrypt (the run Verify drove) says "no key" (null).
  const [opens, keys] = await page.evaluate(() => [window.__opens, window.__keys]);
  expect(opens.length).toBeGreaterThan(0);
  for (const open of opens) expect(open.keyField, 'an open carries no key').toBe(false);
  expect(opens.at(-1).certsOnly).toBe(true);
  expect(keys, 'the only key sent is decrypt\'s null').toEqual([{ type: 'decrypt', key: null }]);

  const out = testInfo.outputPath('cli.json');
  const run = spawnSync(cli, ['verify', fx(e.files[0]), '--certs-only', '--trust', trustFile(), '--at', manifest().check_time,
    '--quiet', '--json', out], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-json').click()]);
  const pageJson = fs.readFileSync(await download.path(), 'utf8');
  expect(pageJson === fs.readFileSync(out, 'utf8')).toBe(true);
  expect(JSON.parse(pageJson).secrets_checked).toBe(false);

  // Clear unticks the box, and the key field is usable again for the next bundle.
  await page.locator('#clear-button').click();
  await expect(page.locator('#certs-only')).not.toBeChecked();
  await expect(page.locator('#key-input')).toBeEnabled();
  await expect(page.locator('#key-toggle')).toBeEnabled();
});

onOnePage('certificates only: the real 200-chip bundle verifies under the built-in Infineon CAs, its report the CLI\'s', async ({ page }) => {
  test.skip(!fs.existsSync(realBundle), 'the real bundle is not at ' + realBundle);
  await verifyCertificatesOnly(page, [realBundle], { checkTime: '2026-06-01T00:00:00Z' });
  await expect(page.locator('#verdict-title')).toHaveText('Bundle verified');
  await expect(page.locator('#c-chips')).toHaveText('200');
  await expect(page.locator('#c-ok')).toHaveText('200');
  await expect(page.locator('#s-reel')).toHaveText('78211223032C7EFA');
  await expect(page.locator('#archive-list li[data-kind="keys"]')).toBeVisible();
  // The page's report is the CLI's byte for byte: the real E0E2 certificates' RSA signatures
  // (SHA-256, Infineon's RSA CA) verified by the browser's WebCrypto, the CLI's by the core.
  if (fs.existsSync(cli)) {
    const out = test.info().outputPath('cli.json');
    const run = spawnSync(cli, ['verify', realBundle, '--certs-only', '--at', '2026-06-01T00:00:00Z', '--quiet', '--json', out],
      { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const [report] = await Promise.all([page.waitForEvent('download'), page.locator('#export-json').click()]);
    expect(fs.readFileSync(await report.path(), 'utf8') === fs.readFileSync(out, 'utf8')).toBe(true);
  }
  // The cloud team's hand-off, without the letter: Azure DPS enrollments for all 200 chips.
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-register="azure-dps"]').click()]);
  const dir = test.info().outputPath('dps');
  const run = spawnSync('7zz', ['x', '-y', '-bd', '-o' + dir, await download.path()], { encoding: 'utf8' });
  expect(run.status, run.stdout + run.stderr).toBe(0);
  const bodies = fs.readdirSync(path.join(dir, 'enrollments')).sort();
  expect(bodies.length).toBe(20);
  let enrollments = 0;
  for (const b of bodies) {
    const body = JSON.parse(fs.readFileSync(path.join(dir, 'enrollments', b), 'utf8'));
    expect(body.mode).toBe('create');
    expect(body.enrollments.length).toBeLessThanOrEqual(10);
    enrollments += body.enrollments.length;
  }
  expect(enrollments).toBe(200);
  await expect(page.locator('#register-status')).toContainText('200 chips exported');
});
