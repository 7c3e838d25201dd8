// The worker protocol (web/src/engine/protocol.js) is checked on both sides, fail closed:
//   - the page refuses any message from a worker that is not the protocol's (a field missing or
//     of the wrong kind, an unknown type, an answer to no request): the worker is ended and the
//     run stops with an error, never a report;
//   - a worker refuses any request that is not the protocol's, whole, with an error answer.
// The page side is tested with a hook appended to the worker source as the page loads it (as in
// fail_closed.spec.mjs), which damages what the worker posts; on a clean reel, so that a check
// that let the damage through would show "Bundle verified". Those tests share one page: each
// chooses the damage (its mode) and resets the page with Clear, so the next run's workers do it.
import { test, testOnOnePage, expect } from './fixtures.mjs';
import { verify, injectSwitchableWorkerHook, useHookMode } from './helpers.mjs';

// Runs inside each worker after worker.js; mode() is the test's damage.
function breakProtocol(mode) {
  const post = self.postMessage.bind(self);
  let done = false;
  self.postMessage = (m, transfer) => {
    if (!done && m && m.type === 'progress') {
      if (mode() === 'progress-without-total') { done = true; const { total, ...rest } = m; return post(rest, transfer); }
      if (mode() === 'progress-past-total') { done = true; return post({ ...m, done: m.total + 1 }, transfer); }
      if (mode() === 'unknown-message') { done = true; post({ type: 'verdicts', bytes: new Uint8Array(4) }); }
      if (mode() === 'answer-to-no-request') { done = true; post({ type: 'result', id: 424242, result: { ok: true } }); }
    }
    if (!done && m && m.type === 'slice' && mode() === 'empty-slice') { done = true; return post({ ...m, count: 0 }, transfer); }
    return post(m, transfer);
  };
  const verify = handlers.verify;
  handlers.verify = async (msg) => {
    const answer = await verify(msg);
    if (mode() === 'verify-answer-without-count') delete answer.count;
    if (mode() === 'verify-answer-extra-field') answer.trusted = true;
    return answer;
  };
  const open = handlers.open;
  handlers.open = async (msg) => {
    const answer = await open(msg);
    if (mode() === 'open-answer-without-ok') delete answer.ok;
    if (mode() === 'open-answer-archives-text') answer.archives = String(answer.archives);
    return answer;
  };
}

const onOnePage = testOnOnePage((page) => injectSwitchableWorkerHook(page,
  `(mode) => { (${breakProtocol.toString()})(mode); (${renameWorkItems.toString()})(mode); }`));

const cases = [
  ['progress-without-total', 'a progress event without its total', /reelcheck-coordinator\) sent a malformed message \(progress: total\)/],
  ['progress-past-total', 'a progress event past its total', /reelcheck-coordinator\) sent a malformed message \(progress: done > total\)/],
  ['unknown-message', 'a message type the protocol does not have', /reelcheck-coordinator\) sent a malformed message \(unexpected message "verdicts"\)/],
  ['answer-to-no-request', 'an answer to a request never made', /reelcheck-coordinator\) sent a malformed message \(an answer to no request\)/],
  ['empty-slice', 'a certificate slice of no certificates', /reelcheck-coordinator\) sent a malformed message \(slice: count\)/],
  ['verify-answer-without-count', 'a verifier\'s answer without its count', /reelcheck-verifier-\d+\) sent a malformed message \(the answer to verify: count\)/],
  ['verify-answer-extra-field', 'a verifier\'s answer with a field the protocol does not have', /sent a malformed message \(the answer to verify: unexpected field trusted\)/],
  ['open-answer-without-ok', 'an answer without ok', /reelcheck-coordinator\) sent a malformed message \(the answer to open: ok\)/],
  ['open-answer-archives-text', 'an answer with a field of the wrong kind', /sent a malformed message \(the answer to open: archives\)/],
];

for (const [mode, title, message] of cases) {
  onOnePage(`protocol, page side: ${title} stops the run with an error`, async ({ page }) => {
    await useHookMode(page, mode);
    await verify(page, 'clean_7z', { waitFor: 'error' });
    await expect(page.locator('#error-detail')).toContainText(message);
    await expect(page.locator('#summary')).toBeHidden();
    await expect(page.locator('#chips-panel')).toBeHidden();
    await expect(page.locator('#verdict-title')).not.toHaveText('Bundle verified');
  });
}

onOnePage('protocol, page side: the same hook without damage lets the clean reel verify', async ({ page }) => {
  await useHookMode(page, 'none');
  await verify(page, 'clean_7z');
  await expect(page.locator('#verdict-title')).toHaveText('Bundle verified');
});

test('protocol, page side: the page never posts a request the protocol does not have', async ({ page }) => {
  await page.goto('index.html');
  const errors = await page.evaluate(async () => {
    const c = window.RC.app.engine.ensureCoordinator();
    const tries = [c.call('nonsense'), c.call('checkTime', {}), c.call('checkTime', { text: 'x', extra: 1 }), c.call('exportReport', { format: 'pdf', secrets: false })];
    return Promise.all(tries.map((p) => p.then(() => 'answered', (e) => e.message)));
  });
  expect(errors).toEqual([
    'The page built a malformed nonsense request (unknown request "nonsense").',
    'The page built a malformed checkTime request (text).',
    'The page built a malformed checkTime request (unexpected field extra).',
    'The page built a malformed exportReport request (format).',
  ]);
});

// The core builds the work items (wasm/bundle_session.cpp), protocol.js defines them: a worker
// compares the core's samples with protocol.js as the core loads, and a core that spells them
// otherwise fails every request, before any run. The hook changes what the core's builders
// give (workItemSamples), as a core built from other names would.
function renameWorkItems(mode) {
  const create = createReelcheckModule;
  createReelcheckModule = (options) => create(options).then((M) => {
    const samples = M.workItemSamples;
    M.workItemSamples = () => samples().map((item) => {
      if (mode() === 'work-item-field' && item.type === 'unpack') { const { maxTotalSize, ...rest } = item; return { ...rest, maxTotal: maxTotalSize }; }
      if (mode() === 'work-item-type' && item.type === 'slice') return { ...item, type: 'certificates' };
      return item;
    });
    return M;
  });
}

for (const [mode, title, message] of [
  ['work-item-field', 'a field of a work item', /the core's work items are not protocol\.js's \(unpack: maxTotalSize\)/],
  ['work-item-type', 'the type of a work item', /the core's work items are not protocol\.js's \(the core builds \["unpack","certificates"\], protocol\.js has \["unpack","slice"\]\)/],
]) {
  onOnePage(`protocol, worker side: a core that names ${title} otherwise than protocol.js is refused as it loads`, async ({ page }) => {
    await useHookMode(page, mode);
    await verify(page, 'clean_7z', { waitFor: 'error' });
    await expect(page.locator('#error-detail')).toContainText(message);
    await expect(page.locator('#summary')).toBeHidden();
    await expect(page.locator('#verdict-title')).not.toHaveText('Bundle verified');
  });
}

// Posts requests straight to a fresh worker (past the page's own check) and collects the answers.
// `compiledModule: true` puts the core's compiled WebAssembly in the request's `module` field.
async function askWorker(page, requests) {
  return page.evaluate(async (list) => {
    const url = URL.createObjectURL(new Blob([self.ReelcheckWorkerSource], { type: 'text/javascript' }));
    const worker = new Worker(url);
    const compiled = await WebAssembly.compile(Uint8Array.fromBase64(self.ReelcheckWasmBase64));
    try {
      const answers = [];
      for (const r of list) {
        const message = { ...r };
        if (r.compiledModule) { message.module = compiled; delete message.compiledModule; }
        if (r.keyText) { message.key = new TextEncoder().encode(r.keyText); delete message.keyText; }
        if (r.derivedBytes) { message.derived = new Uint8Array(r.derivedBytes); delete message.derivedBytes; }
        if (r.bytesBuffer) { message.bytes = new ArrayBuffer(8); delete message.bytesBuffer; }
        // Files as bytes, the way the page once sent them: the worker now takes File objects only.
        if (r.inputsAsBytes) { message.inputs = [{ name: 'bundle.7z', bytes: new ArrayBuffer(8) }]; delete message.inputsAsBytes; }
        answers.push(await new Promise((resolve, reject) => {
          worker.onmessage = (ev) => { if (ev.data.type === 'result') resolve(ev.data); };
          worker.onerror = (ev) => reject(new Error(ev.message));
          worker.postMessage(message);
        }));
      }
      return answers;
    } finally {
      worker.terminate();
    }
  }, requests);
}

test('protocol, worker side: a request that is not the protocol\'s is refused whole', async ({ page }) => {
  await page.goto('index.html');
  const answers = await askWorker(page, [
    // The compiled core: refused in any other form, and taken once only.
    { type: 'load', id: 11, module: new Array(8).fill(0), heapBytes: 0 },
    // How much heap to touch once: a count, never left out.
    { type: 'load', id: 18, compiledModule: true },
    { type: 'load', id: 12, compiledModule: true, heapBytes: 1 << 20 },
    { type: 'load', id: 13, compiledModule: true, heapBytes: 0 },
    { type: 'ping', id: 1 },
    { type: 'nonsense', id: 2 },
    { type: 'checkTime', id: 3, text: 12 },
    { type: 'checkTime', id: 4 },
    { type: 'ping' },
    { type: 'verify', id: 5, run: 1, bytesBuffer: true },
    // An open with a key, as the page once sent it: the key comes with decrypt only (a run may
    // begin before it is typed), so open has no such field (and the worker wipes the copy).
    { type: 'open', id: 6, run: 1, verifiers: 1, anchors: [], useDefaults: true, inputs: [], certsOnly: false, keyText: 'K', checkTime: '2026-06-01T00:00:00Z' },
    // useDefaults missing: no default stands in for it.
    { type: 'open', id: 7, run: 1, verifiers: 1, anchors: [], inputs: [], certsOnly: false, checkTime: '2026-06-01T00:00:00Z' },
    { type: 'initVerifier', id: 8, anchors: [{ name: 'a.pem', bytes: 'not bytes' }], useDefaults: true },
    { type: 'open', id: 9, run: 1, verifiers: 1, anchors: [], useDefaults: true, certsOnly: false, inputsAsBytes: true, checkTime: '2026-06-01T00:00:00Z' },
    // certsOnly missing: nor for it (a missing flag must not open the keys archive, or not).
    { type: 'open', id: 10, run: 1, verifiers: 1, anchors: [], useDefaults: true, inputs: [], checkTime: '2026-06-01T00:00:00Z' },
    // The key with decrypt: bytes or null, never text, and never left out (null says "none").
    { type: 'decrypt', id: 14, key: 'K' },
    { type: 'decrypt', id: 15 },
    // The same decrypt with a key of the protocol's kinds is taken, and answered by the worker
    // (no bundle is open in this one): the refusals above are the key's.
    { type: 'decrypt', id: 16, keyText: 'K' },
    { type: 'decrypt', id: 17, key: null },
    // The key a verifier derived goes with the key it was derived from, as bytes, or not at all.
    { type: 'decrypt', id: 19, key: null, derivedBytes: 69 },
    { type: 'decrypt', id: 20, keyText: 'K', derived: 'not bytes' },
    { type: 'decrypt', id: 21, keyText: 'K', derivedBytes: 69 },
    // deriveKey: the key as bytes; an empty one is the core's to refuse.
    { type: 'deriveKey', id: 22, key: 'K' },
    { type: 'deriveKey', id: 23, keyText: ' ' },
  ]);
  expect(answers.slice(0, 5)).toEqual([
    { type: 'result', id: 11, result: { ok: false, error: { code: 'internal', message: 'A malformed request reached a worker (module).' } } },
    { type: 'result', id: 18, result: { ok: false, error: { code: 'internal', message: 'A malformed request reached a worker (heapBytes).' } } },
    { type: 'result', id: 12, result: { ok: true } },
    { type: 'result', id: 13, result: { ok: false, error: { code: 'internal', message: 'The WebAssembly core was loaded twice.' } } },
    { type: 'result', id: 1, result: { ok: true } },
  ]);
  const refused = (id, what) => ({ type: 'result', id, result: { ok: false, error: { code: 'internal', message: `A malformed request reached a worker (${what}).` } } });
  expect(answers.slice(5)).toEqual([
    refused(2, 'unknown request "nonsense"'),
    refused(3, 'text'),
    refused(4, 'text'),
    refused(null, 'id'),
    refused(5, 'bytes'),
    refused(6, 'unexpected field key'),
    refused(7, 'useDefaults'),
    refused(8, 'anchors'),
    refused(9, 'inputs'),
    refused(10, 'certsOnly'),
    refused(14, 'key'),
    refused(15, 'key'),
    { type: 'result', id: 16, result: { ok: false, error: { code: 'bad_input', message: 'No bundle is open.' } } },
    { type: 'result', id: 17, result: { ok: false, error: { code: 'bad_input', message: 'No bundle is open.' } } },
    refused(19, 'derived'),
    refused(20, 'derived'),
    { type: 'result', id: 21, result: { ok: false, error: { code: 'bad_input', message: 'No bundle is open.' } } },
    refused(22, 'key'),
    { type: 'result', id: 23, result: { ok: false, error: { code: 'password_required', message: 'the keys archive is encrypted: the transport key from the reel\'s letter is needed' } } },
  ]);
});
