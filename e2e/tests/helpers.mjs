// Shared helpers for the e2e tests: the fixture manifest, driving the page like a user does.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect } from '@playwright/test';

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, '..', '..');
export const fixturesDir = process.env.REELCHECK_FIXTURES || path.join(root, 'build', 'fixtures');
export const webDir = path.resolve(process.env.REELCHECK_WEB_DIR || path.join(root, 'build', 'web'));
export const fileUrl = pathToFileURL(path.join(webDir, 'index.html')).href;

let cached = null;
export function manifest() {
  if (!cached) cached = JSON.parse(fs.readFileSync(path.join(fixturesDir, 'manifest.json'), 'utf8'));
  return cached;
}
export function entry(name) {
  const e = manifest().bundles[name];
  if (!e) throw new Error(`fixture bundle ${name} not in manifest`);
  return e;
}
export const fx = (rel) => path.join(fixturesDir, rel);
export const keyOf = (name) => fs.readFileSync(fx(entry(name).key_file), 'utf8');
export const trustFile = () => fx(manifest().trust);

export function expectedSecrets(name) {
  const lines = fs.readFileSync(fx(entry(name).secrets_file), 'utf8').trim().split('\n').slice(1);
  return new Map(lines.map((l) => { const [id, pbs, auth] = l.split(','); return [id, { pbs, auth }]; }));
}

// Fills the form and starts a verification; waits for the result or an error.
// chosen: the bundle's files are already chosen (the test chose its own copy).
export async function verify(page, name, { key, checkTime, waitFor = 'result', chosen = false } = {}) {
  const e = entry(name);
  if (!chosen) await page.locator('#file-input').setInputFiles(e.files.map(fx));
  await page.locator('#key-input').fill(key ?? keyOf(name));
  await page.locator('#time-input').fill(checkTime ?? manifest().check_time);
  // The fixtures are signed by a test PKI: add its CAs as extra trust anchors.
  // Opened unless it already is (a page used before, reset by Clear, keeps it open).
  if (!(await page.locator('#anchors-details').evaluate((d) => d.open))) await page.locator('#anchors-details summary').click();
  await page.locator('#anchor-input').setInputFiles([trustFile()]);
  await page.locator('#verify-button').click();
  if (waitFor === 'result') await expect(page.locator('#summary')).toBeVisible({ timeout: 100_000 });
  else if (waitFor === 'error') await expect(page.locator('#error-box')).toBeVisible({ timeout: 60_000 });
}

// Holds a run "during": slices sent to the verifier workers are dropped while
// window.__holdVerify is true, so a run that has started verifying cannot finish however fast
// the machine is. For tests of what the page shows and does during a run (Cancel, axe). Call
// before page.goto (held from the start, or from when the test sets window.__holdVerify);
// releaseVerification(page) lets later runs through.
export async function holdVerification(page, { now = true } = {}) {
  await page.addInitScript((held) => {
    window.__holdVerify = held;
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (message, transfer) {
      if (window.__holdVerify && message && message.type === 'verify') return undefined;
      return post.call(this, message, transfer);
    };
  }, now);
}
export const releaseVerification = (page) => page.evaluate(() => { window.__holdVerify = false; });

export async function expectCounts(page, name, verdictOk) {
  const e = entry(name);
  const c = e.expected.counts;
  const fmt = (n) => new Intl.NumberFormat('en-US').format(n);
  await expect(page.locator('#c-chips')).toHaveText(fmt(e.chip_count));
  await expect(page.locator('#c-ok')).toHaveText(fmt(c.ok));
  await expect(page.locator('#c-failed')).toHaveText(fmt(c.failed));
  await expect(page.locator('#c-extra')).toHaveText(fmt(c.extra));
  await expect(page.locator('#s-reel')).toHaveText(e.reel_id);
  if (verdictOk !== undefined) {
    await expect(page.locator('#verdict-title')).toHaveText(verdictOk ? 'Bundle verified' : 'Bundle failed verification');
  }
}

export async function shot(page, testInfo, name) {
  const file = path.join(root, 'e2e', 'test-results', 'screenshots', name + '.png');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}

// Collects every request of the page and its workers.
export function recordRequests(context) {
  const seen = [];
  context.on('request', (r) => seen.push({ url: r.url(), headers: r.headers(), body: r.postData() || '' }));
  return seen;
}

// Appends `hook` (JavaScript source) to the workers' source as the page loads it, so it runs in
// every worker after worker.js: the e2e suite's way to damage or watch what a worker does.
export async function injectWorkerHook(page, hook) {
  await page.route('**/worker-source.js', async (route) => {
    const response = await route.fetch();
    const body = (await response.text()) + `\nself.ReelcheckWorkerSource += ${JSON.stringify('\n' + hook)};\n`;
    await route.fulfill({ response, body });
  });
}

// Puts `prelude` (JavaScript source) ahead of the workers' source as the page loads it, so it
// runs in every worker before the Emscripten glue and worker.js: what worker.js finds as it
// starts (WebCrypto, for one) can be changed here.
export async function injectWorkerPrelude(page, prelude) {
  await page.route('**/worker-source.js', async (route) => {
    const response = await route.fetch();
    const body = (await response.text()) + `\nself.ReelcheckWorkerSource = ${JSON.stringify(prelude + '\n')} + self.ReelcheckWorkerSource;\n`;
    await route.fulfill({ response, body });
  });
}

// A worker hook whose behaviour each test chooses (tests that share one page, fixtures.mjs
// testOnOnePage): `hook` is the source of a function (mode) => void, run in every worker after
// worker.js, where mode() is the test's mode for that worker. The page gives each worker the mode
// as it starts it (its first message, which the hook takes out before worker.js sees it);
// useHookMode switches it. Call before the page loads.
export async function injectSwitchableWorkerHook(page, hook) {
  await page.addInitScript(() => {
    window.__reelcheckTestMode = 'none';
    const PageWorker = window.Worker;
    window.Worker = class extends PageWorker {
      constructor(url, options) {
        super(url, options);
        PageWorker.prototype.postMessage.call(this, { reelcheckTestMode: window.__reelcheckTestMode });
      }
    };
  });
  await injectWorkerHook(page, `;(${takeTestMode.toString()})(${hook});`);
}

// Runs in the worker: keeps the mode message from worker.js's onmessage (which would refuse it).
function takeTestMode(hook) {
  let current = 'none';
  const serve = self.onmessage;
  self.onmessage = (event) => {
    const m = event.data;
    if (m && typeof m === 'object' && Object.hasOwn(m, 'reelcheckTestMode')) {
      current = m.reelcheckTestMode;
      return undefined;
    }
    return serve.call(self, event);
  };
  hook(() => current);
}

// The next verification on this page runs under `mode`: Clear (as a user resets the page) ends
// every worker, and the ones the next run starts take the new mode.
export async function useHookMode(page, mode) {
  await page.evaluate((m) => { window.__reelcheckTestMode = m; }, mode);
  await page.locator('#clear-button').click();
}

// For tests that drive workers request by request, as the page drives them: defines, in the page,
// reelcheckTest.ask(worker, message, transfer) (posts a request, resolves with its answer) and
// reelcheckTest.slice(archive, begin, count, checkTime) (a slice as the coordinator writes it:
// "RCR1", u32 archive, u32 begin, i64 check time, the anchors' fingerprint (u32 length + 64 hex
// digits), u32 count). Call before the page loads.
export async function addWorkerDriver(page) {
  await page.addInitScript(() => {
    let id = 0;
    const ask = (worker, message, transfer = []) => new Promise((resolve, reject) => {
      const mine = ++id;
      worker.onmessage = (ev) => { if (ev.data.type === 'result' && ev.data.id === mine) resolve(ev.data.result); };
      worker.onerror = (ev) => reject(new Error(ev.message));
      worker.postMessage({ ...message, id: mine }, transfer);
    });
    const slice = (archiveIndex, begin, count, checkTime) => {
      const bytes = new Uint8Array(4 + 4 + 4 + 8 + 4 + 64 + 4);
      const view = new DataView(bytes.buffer);
      bytes.set(new TextEncoder().encode('RCR1'));
      view.setUint32(4, archiveIndex, true);
      view.setUint32(8, begin, true);
      view.setBigInt64(12, BigInt(checkTime), true);
      view.setUint32(20, 64, true);
      bytes.set(new TextEncoder().encode('a'.repeat(64)), 24);
      view.setUint32(88, count, true);
      return bytes;
    };
    window.reelcheckTest = { ask, slice };
  });
}
