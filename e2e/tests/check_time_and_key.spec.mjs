// The check time is the moment Verify is pressed (unless the user typed one), and the transport
// key does not outlive a run: the key field is emptied and the worker's copy is wiped on every
// path, the early error returns included.
import { test, expect } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { entry, expectedSecrets, fx, keyOf, manifest, trustFile, injectWorkerHook } from './helpers.mjs';

// Chooses the files, key and test anchors like a user; the check time only when given.
async function fillForm(page, name, { key, checkTime, anchors } = {}) {
  await page.locator('#file-input').setInputFiles(entry(name).files.map(fx));
  await page.locator('#key-input').fill(key ?? keyOf(name));
  if (checkTime !== undefined) await page.locator('#time-input').fill(checkTime);
  await page.locator('#anchors-details summary').click();
  await page.locator('#anchor-input').setInputFiles(anchors ?? [trustFile()]);
}

test('the check time is the moment of Verify when the user typed none', async ({ page }) => {
  // Loaded in 2023, before the test devices' certificates begin (2024): judged at load time,
  // the clean bundle would fail as not yet valid.
  await page.clock.setFixedTime(new Date('2023-03-01T08:00:00Z'));
  await page.goto('index.html');
  await expect(page.locator('#time-input')).toHaveValue('2023-03-01T08:00:00Z');
  await fillForm(page, 'clean_7z');
  // The tab stays open until the fixtures' check time; then Verify is pressed.
  await page.clock.setFixedTime(new Date(manifest().check_time));
  await page.locator('#verify-button').click();
  await expect(page.locator('#summary')).toBeVisible({ timeout: 100_000 });
  await expect(page.locator('#s-time')).toHaveText(manifest().check_time);
  await expect(page.locator('#verdict-title')).toHaveText('Bundle verified');
  await expect(page.locator('#time-input')).toHaveValue(manifest().check_time);
});

test('a check time the user typed is kept however long the tab stays open', async ({ page }) => {
  await page.clock.setFixedTime(new Date('2026-01-10T00:00:00Z'));
  await page.goto('index.html');
  await fillForm(page, 'clean_7z', { checkTime: '2023-03-01T00:00:00Z' });
  await page.clock.setFixedTime(new Date('2026-06-01T00:00:00Z'));
  await page.locator('#verify-button').click();
  await expect(page.locator('#summary')).toBeVisible({ timeout: 100_000 });
  await expect(page.locator('#s-time')).toHaveText('2023-03-01T00:00:00Z');
  await expect(page.locator('#verdict-title')).toHaveText('Bundle failed verification');
  // "Now" goes back to following the clock.
  await page.locator('#time-now').click();
  await expect(page.locator('#time-input')).toHaveValue('2026-06-01T00:00:00Z');
});

// Reports, from inside the coordinator worker, whether its copy of the key is wiped once the
// open request is answered (the hook runs after worker.js; on errors the page ends the worker
// right after, so the answer goes out on the console before that).
function reportKeyCopy() {
  const original = handlers.open;
  handlers.open = async (msg) => {
    try {
      return await original(msg);
    } finally {
      console.log('reelcheck-test key copy ' + JSON.stringify({
        length: msg.key.length, zero: msg.key.every((b) => b === 0) }));
    }
  };
}

for (const [title, name, options, outcome] of [
  ['after a verified bundle', 'clean_7z', {}, '#summary'],
  ['after a wrong key', 'wrong_key', {}, '#error-box'],
  ['after an early error (an unusable trust anchor file)', 'clean_7z', { anchors: 'bad' }, '#error-box'],
]) {
  test(`the key field is empty and the worker's key copy wiped ${title}`, async ({ page }) => {
    const hook = `;(${reportKeyCopy.toString()})();`;
    const reports = [];
    page.on('console', (m) => { if (m.text().startsWith('reelcheck-test key copy ')) reports.push(JSON.parse(m.text().slice(24))); });
    await injectWorkerHook(page, hook);
    await page.goto('index.html');
    const anchors = options.anchors === 'bad'
      ? [{ name: 'not-a-ca.pem', mimeType: 'application/x-pem-file', buffer: Buffer.from('not a certificate\n') }]
      : undefined;
    await fillForm(page, name, { checkTime: manifest().check_time, anchors });
    await page.locator('#verify-button').click();
    await expect(page.locator(outcome)).toBeVisible({ timeout: 100_000 });
    await expect(page.locator('#key-input')).toHaveValue('');
    await expect.poll(() => reports.length).toBe(1);
    const copy = reports[0];
    expect(copy.length).toBe(Buffer.byteLength(keyOf(name)));
    expect(copy.zero, "the worker's copy of the key is wiped").toBe(true);
  });
}

// A JavaScript exception thrown by a callback the core calls (progress, work items)
// unwinds through BundleSession::open and the core. The wasm build uses native WebAssembly
// exceptions, so the C++ destructors on that path run: the session's key, the core's own copy
// of it, the decrypted key files and the parsed secrets are all wiped. The hook (run after
// worker.js, `MODE` and `NEEDLES` replaced) makes the coordinator's postMessage throw at that
// callback, then searches the worker's whole WebAssembly heap for the key (UTF-8 and UTF-16LE,
// as the 7z key derivation uses it) and for the first chip's secrets (binary and hex text).
// How often `needle` (an array of bytes) occurs in `heap` (a worker's WebAssembly memory). Put
// into the workers' source beside the hooks that search their heaps.
function countInHeap(heap, needle) {
  let count = 0;
  for (let i = heap.indexOf(needle[0]); i !== -1 && i <= heap.length - needle.length; i = heap.indexOf(needle[0], i + 1)) {
    let k = 1;
    while (k < needle.length && heap[i + k] === needle[k]) k++;
    if (k === needle.length) count++;
  }
  return count;
}

function throwFromCallback() {
  const needles = NEEDLES;
  const post = self.postMessage.bind(self);
  let thrown = false;
  self.postMessage = (m, transfer) => {
    const at = 'MODE' === 'unpack'
      ? m && m.type === 'unpack'
      // The last decrypting event: the keys archive is decrypted and its files parsed.
      : m && m.type === 'progress' && m.phase === 'decrypting' && m.done === m.total;
    if (at && !thrown) {
      thrown = true;
      throw new Error('reelcheck-test: thrown by the MODE callback');
    }
    return post(m, transfer);
  };
  const find = countInHeap;
  // The test's own copy of the key, to search for (the worker wipes msg.key); the heap is
  // searched when the request the callback throws in ends: open (work items) or decrypt
  // (progress: the keys archive is decrypted there).
  let key = null;
  const search = async (answer) => {
    const utf16 = key.flatMap((b) => [b, 0]);
    const hex = (s) => Array.from(new TextEncoder().encode(s));
    const bin = (s) => s.match(/../g).map((h) => parseInt(h, 16));
    const M = await loadModule();
    const heap = new Uint8Array(M.HEAP8.buffer);
    const found = {
      key: find(heap, key),
      keyUtf16: find(heap, utf16),
      pbs: find(heap, bin(needles.pbs).slice(0, 32)),
      pbsHex: find(heap, hex(needles.pbs.slice(0, 64))),
      auth: find(heap, bin(needles.auth).slice(0, 32)),
      authHex: find(heap, hex(needles.auth.slice(0, 64))),
    };
    console.log('reelcheck-test heap ' + JSON.stringify({ answer, found, session: session !== null }));
  };
  const watch = (name, searchHere) => {
    const original = handlers[name];
    handlers[name] = async (msg) => {
      if (name === 'open') key = Array.from(msg.key);
      let answer;
      try {
        answer = await original(msg);
      } catch (e) {
        answer = { thrown: String(e && e.message) };
        throw e;
      } finally {
        if (searchHere) await search(answer);
      }
      return answer;
    };
  };
  watch('open', 'MODE' === 'unpack');
  watch('decrypt', 'MODE' === 'progress');
}

for (const [mode, title] of [['progress', 'a progress callback'], ['unpack', 'the work item callback']]) {
  test(`the key and the decrypted secrets are wiped when ${title} throws inside the session (open, decrypt)`, async ({ page }) => {
    const [first] = expectedSecrets('clean_7z').values();
    const hook = `;${countInHeap.toString()};(${throwFromCallback.toString().replaceAll('MODE', mode).replace('NEEDLES', JSON.stringify(first))})();`;
    const reports = [];
    page.on('console', (m) => { if (m.text().startsWith('reelcheck-test heap ')) reports.push(JSON.parse(m.text().slice(20))); });
    await injectWorkerHook(page, hook);
    await page.goto('index.html');
    await fillForm(page, 'clean_7z', { checkTime: manifest().check_time });
    await page.locator('#verify-button').click();
    // The thrown error ends the run in the error box, never in a report.
    await expect(page.locator('#error-box')).toBeVisible({ timeout: 100_000 });
    await expect(page.locator('#error-detail')).toContainText(`reelcheck-test: thrown by the ${mode} callback`);
    await expect(page.locator('#summary')).toBeHidden();
    await expect(page.locator('#key-input')).toHaveValue('');
    await expect.poll(() => reports.length).toBe(1);
    const { answer, found, session } = reports[0];
    expect(answer.thrown, 'the exception passed through open() to the worker').toContain('thrown by the');
    expect(found, 'no copy of the key or of a secret is left in the worker\'s heap').toEqual(
      { key: 0, keyUtf16: 0, pbs: 0, pbsHex: 0, auth: 0, authHex: 0 });
    expect(session, 'the half-open session is dropped').toBe(false);
  });
}

// The coordinator holds the key from open until it decrypts the keys archive, once every
// archive's outcome is in. A run that fails before that (here a verifier whose unpacking fails
// as if it crashed) has the coordinator drop its session at once (the engine asks for it, and
// the page clears its workers after any error): the hook searches the coordinator's
// WebAssembly heap for the key after the first wipe.
function failVerifierAndWatchWipe() {
  const KEY = KEYBYTES;
  if (typeof handlers.unpack === 'function') {
    handlers.unpack = async () => { throw new Error('reelcheck-test: a verifier failed'); };
  }
  const wipe = handlers.wipe;
  handlers.wipe = async (msg) => {
    const answer = await wipe(msg);
    const M = await loadModule();
    const found = countInHeap(new Uint8Array(M.HEAP8.buffer), KEY);
    console.log('reelcheck-test wiped ' + JSON.stringify({ found, session: session !== null }));
    return answer;
  };
}

test('a run that fails before the keys archive is read leaves no key in the coordinator', async ({ page }) => {
  const key = Array.from(Buffer.from(keyOf('clean_7z')));
  const hook = `;${countInHeap.toString()};(${failVerifierAndWatchWipe.toString().replace('KEYBYTES', JSON.stringify(key))})();`;
  const wiped = [];
  page.on('console', (m) => { if (m.text().startsWith('reelcheck-test wiped ')) wiped.push(JSON.parse(m.text().slice(21))); });
  await injectWorkerHook(page, hook);
  await page.goto('index.html');
  await fillForm(page, 'clean_7z', { checkTime: manifest().check_time });
  await page.locator('#verify-button').click();
  await expect(page.locator('#error-box')).toBeVisible({ timeout: 100_000 });
  await expect(page.locator('#error-detail')).toContainText('reelcheck-test: a verifier failed');
  await expect.poll(() => wiped.length).toBeGreaterThan(0);
  expect(wiped[0], 'the session is dropped and no copy of the key is left').toEqual({ found: 0, session: false });
});

// The transport key is at most 256 bytes after trimming white space (the core's bound, issue 17):
// the page refuses a longer one before any worker gets it, in the core's words, and the core
// refuses it too when something hands it over anyway.
// The page's words and the core's differ only in their first letter and their last clause.
const TOO_LONG = /the transport key is longer than 256 bytes \((\d+)\): that is not the key from a reel's letter/i;

// Records the type of every message the page posts to a worker (window.__posted).
async function recordWorkerMessages(page) {
  await page.addInitScript(() => {
    window.__posted = [];
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (message, transfer) {
      window.__posted.push(message && message.type);
      return post.call(this, message, transfer);
    };
  });
}

for (const [title, key, bytes] of [
  ['a 300-character key', 'K'.repeat(300), 300],
  ['a pasted megabyte', 'x'.repeat(1 << 20), 1 << 20],
  ['257 bytes of UTF-8 (129 characters)', 'é'.repeat(128) + 'K', 257],
]) {
  test(`${title} is refused with a clear message before any worker gets it, and no report`, async ({ page }) => {
    await recordWorkerMessages(page);
    await page.goto('index.html');
    await fillForm(page, 'clean_7z', { key, checkTime: manifest().check_time });
    await page.locator('#verify-button').click();
    await expect(page.locator('#error-box')).toBeVisible();
    await expect(page.locator('#error-box')).toHaveAttribute('data-code', 'bad_input');
    await expect(page.locator('#error-detail')).toContainText(TOO_LONG);
    await expect(page.locator('#error-detail')).toContainText(`(${bytes})`);
    await expect(page.locator('#summary')).toBeHidden();
    await expect(page.locator('#chips-panel')).toBeHidden();
    await expect(page.locator('#key-input')).toHaveValue('');
    const posted = await page.evaluate(() => window.__posted);
    expect(posted, 'no open request (and so no key) went to a worker').not.toContain('open');
  });
}

test('the bound counts bytes after trimming, as the core does: 256 bytes between spaces reach the core', async ({ page }) => {
  await recordWorkerMessages(page);
  await page.goto('index.html');
  await fillForm(page, 'clean_7z', { key: '   ' + 'K'.repeat(256) + '\t ', checkTime: manifest().check_time });
  await page.locator('#verify-button').click();
  await expect(page.locator('#error-box')).toBeVisible({ timeout: 100_000 });
  // Not the length: the core tried the key, and it is the wrong one.
  await expect(page.locator('#error-box')).toHaveAttribute('data-code', 'wrong_key');
  expect(await page.evaluate(() => window.__posted)).toContain('open');
});

// The core's own bound, through the page's WebAssembly: an open request posted straight to a
// coordinator worker (past the page's check) with a 300-byte key, then the keys archive's
// decryption, where the key is used.
test('the core in the page refuses a 300-byte key too (bad_input, the same message)', async ({ page }) => {
  await page.goto('index.html');
  const files = entry('clean_7z').files.map((f) => ({ name: path.basename(f), bytes: Array.from(fs.readFileSync(fx(f))) }));
  const [opened, result] = await page.evaluate(async ({ files, keyLength }) => {
    const url = URL.createObjectURL(new Blob([self.ReelcheckWorkerSource], { type: 'text/javascript' }));
    const worker = new Worker(url);
    const ask = (message) => new Promise((resolve, reject) => {
      worker.onmessage = (ev) => { if (ev.data.type === 'result') resolve(ev.data.result); };
      worker.onerror = (ev) => reject(new Error(ev.message));
      worker.postMessage(message);
    });
    try {
      // The compiled core first, as the page sends it (wasm_module.js).
      const loaded = await ask({ type: 'load', id: 3, module: await WebAssembly.compile(Uint8Array.fromBase64(self.ReelcheckWasmBase64)) });
      if (!loaded.ok) throw new Error('load: ' + JSON.stringify(loaded));
      const open = await ask({
        type: 'open', id: 1, verifiers: 1, anchors: [], useDefaults: true, checkTime: '2026-06-01T00:00:00Z',
        inputs: files.map((f) => ({ name: f.name, file: new File([new Uint8Array(f.bytes)], f.name) })),
        key: new TextEncoder().encode('K'.repeat(keyLength)),
      });
      return [open, await ask({ type: 'decrypt', id: 2 })];
    } finally {
      worker.terminate();
    }
  }, { files, keyLength: 300 });
  expect(opened.ok).toBe(true);
  expect(result.ok).toBe(false);
  expect(result.error.code).toBe('bad_input');
  expect(result.error.message).toMatch(/the transport key is longer than 256 bytes \(300\): that is not the key from a reel's letter/);
});
