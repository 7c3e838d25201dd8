// The RSA signatures of the E0E2 certificates are verified by the browser's WebCrypto (its native
// RSA; the core's own engine as WebAssembly is several times slower): the core asks, WebCrypto
// answers whether each signature verifies with its issuer's key, and the core decides every
// verdict (wasm/verifier.cpp beginSlice / finishSlice). Without WebCrypto, or where it fails, the
// core checks the signatures itself, with the same verdicts. The reel here has one E0E2
// certificate whose signature was damaged after signing (7zz and the fixtures' certificates).
import { test, expect } from './fixtures.mjs';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { addWorkerDriver, entry, fx, injectWorkerPrelude, manifest, root, trustFile } from './helpers.mjs';

const cli = process.env.REELCHECK_CLI || path.join(root, 'build', 'release', 'native', 'reelcheck');

// What worker.js finds of WebCrypto as it starts, per mode: the browser's own, none at all, one
// whose key import or verification fails, or one that says every signature verifies. In the
// worker-level test each also counts (COUNTED, after the mode's change): every answer a worker posts carries how
// many signatures it asked WebCrypto so far.
const COUNTED = `{ const verify = SubtleCrypto.prototype.verify; let calls = 0;
    SubtleCrypto.prototype.verify = function (...args) { calls++; return verify.apply(this, args); };
    const post = self.postMessage.bind(self);
    self.postMessage = (m, t) => { if (m && m.type === 'result' && m.result) m.result.webCryptoCalls = calls; return post(m, t); }; }`;
const PRELUDES = {
  counted: COUNTED,
  none: `Object.defineProperty(Crypto.prototype, 'subtle', { get() { return undefined; }, configurable: true });`,
  importFails: `SubtleCrypto.prototype.importKey = function () { return Promise.reject(new DOMException('refused', 'DataError')); };`,
  verifyFails: `SubtleCrypto.prototype.verify = function () { return Promise.reject(new DOMException('failed', 'OperationError')); };`,
  saysValid: `SubtleCrypto.prototype.verify = function () { return Promise.resolve(true); };`,
};

// The clean loose reel's three certificate archives, its E0E2 archive packed again by 7zz with the
// signature of its first certificate damaged (one bit, the DER still well formed).
function reelWithADamagedRsaSignature(dir) {
  const files = entry('clean_loose').files.map(fx).filter((f) => /_E0E[0-2]_Certs\.7z$/.test(f));
  const e0e2 = files.find((f) => f.endsWith('_E0E2_Certs.7z'));
  const unpacked = path.join(dir, 'unpacked');
  const x = spawnSync('7zz', ['x', '-y', '-bd', '-o' + unpacked, e0e2], { encoding: 'utf8' });
  if (x.status !== 0) throw new Error(x.stdout + x.stderr);
  const pems = fs.readdirSync(unpacked).filter((n) => n.endsWith('.pem')).sort();
  const first = path.join(unpacked, pems[0]);
  const der = Buffer.from(fs.readFileSync(first, 'utf8').replace(/-----[^-]+-----|\s/g, ''), 'base64');
  der[der.length - 10] ^= 0x01; // inside the signature value, the last field of the certificate
  const b64 = der.toString('base64').match(/.{1,64}/g).join('\n');
  fs.writeFileSync(first, `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`);
  const out = path.join(dir, 'reel');
  fs.mkdirSync(out, { recursive: true });
  const packed = path.join(out, path.basename(e0e2));
  const a = spawnSync('7zz', ['a', '-bd', '-t7z', packed, ...pems.map((n) => path.join(unpacked, n))], { encoding: 'utf8' });
  if (a.status !== 0) throw new Error(a.stdout + a.stderr);
  const copies = files.filter((f) => f !== e0e2).map((f) => { const to = path.join(out, path.basename(f)); fs.copyFileSync(f, to); return to; });
  return { files: [...copies, packed], e0e2: packed, certificates: pems.length, damaged: pems[0] };
}

test('a verifier asks WebCrypto for every RSA signature of its slice; without it, or where it fails, the core checks them: the same verdicts', async ({ page }, testInfo) => {
  const reel = reelWithADamagedRsaSignature(testInfo.outputPath());
  await addWorkerDriver(page);
  await page.goto('index.html');
  const answers = await page.evaluate(async ({ archive, name, trust, at, count, preludes, counted }) => {
    const compiled = await WebAssembly.compile(Uint8Array.fromBase64(self.ReelcheckWasmBase64));
    const { ask } = window.reelcheckTest;
    const bytes = window.reelcheckTest.slice(0, 0, count, at); // every certificate of archive 0
    const out = {};
    for (const [mode, prelude] of Object.entries(preludes)) {
      const source = (mode === 'counted' ? '' : prelude + '\n') + counted + '\n' + self.ReelcheckWorkerSource;
      const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
      try {
        await ask(worker, { type: 'load', module: compiled, heapBytes: 0 });
        const init = await ask(worker, { type: 'initVerifier', anchors: [{ name: 'trust.pem', bytes: new Uint8Array(trust).buffer }], useDefaults: false });
        if (!init.ok) throw new Error(JSON.stringify(init));
        const unpacked = await ask(worker, { type: 'unpack', run: 1, archive: 0, name, slot: 'E0E2', bytes: new Uint8Array(archive), maxTotalSize: 1 << 28 });
        if (!unpacked.ok) throw new Error(JSON.stringify(unpacked));
        const r = await ask(worker, { type: 'verify', run: 1, bytes: bytes.slice() });
        out[mode] = r.ok ? { ok: true, count: r.count, verdicts: Array.from(r.verdicts), webCryptoCalls: r.webCryptoCalls } : r;
      } finally {
        worker.terminate();
      }
    }
    return out;
  }, { archive: [...fs.readFileSync(reel.e0e2)], name: path.basename(reel.e0e2), trust: [...fs.readFileSync(trustFile())], at: manifest().check_time_epoch, count: reel.certificates, preludes: PRELUDES, counted: COUNTED });

  const { counted, none, importFails, verifyFails, saysValid } = answers;
  expect(counted).toMatchObject({ ok: true, count: reel.certificates });
  // Every E0E2 certificate's signature went to WebCrypto, once.
  expect(counted.webCryptoCalls).toBe(reel.certificates);
  // The core's own engine reaches the same verdicts, byte for byte: without WebCrypto, with a key
  // WebCrypto refuses, with every verification failing.
  for (const other of [none, importFails, verifyFails]) expect(other.verdicts).toEqual(counted.verdicts);
  expect(none.webCryptoCalls).toBe(0);
  expect(importFails.webCryptoCalls).toBe(0); // no key, no question asked
  expect(verifyFails.webCryptoCalls).toBe(reel.certificates);
  // WebCrypto's answers are the ones used: one that says every signature verifies passes the
  // damaged certificate.
  expect(saysValid.ok).toBe(true);
  expect(saysValid.verdicts).not.toEqual(counted.verdicts);
});

// The whole page, certificates only: its report is the CLI's byte for byte, the damaged signature
// among its findings, with WebCrypto and without it.
for (const [label, prelude] of [['WebCrypto', null], ['no WebCrypto in its workers', PRELUDES.none]]) {
  test(`the page's report with ${label} is the CLI's, the damaged RSA signature found`, async ({ page }, testInfo) => {
    test.skip(!fs.existsSync(cli), 'native CLI not built (build/release/native/reelcheck)');
    const reel = reelWithADamagedRsaSignature(testInfo.outputPath());
    const out = testInfo.outputPath('cli.json');
    const run = spawnSync(cli, ['verify', ...reel.files, '--certs-only', '--trust', trustFile(), '--at', manifest().check_time,
      '--quiet', '--json', out], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(1); // a certificate failed
    const cliJson = fs.readFileSync(out, 'utf8');
    const damaged = JSON.parse(cliJson).chips.filter((c) => JSON.stringify(c).includes('signature_invalid'));
    expect(damaged.map((c) => c.chip_id)).toEqual([reel.damaged.split('_')[0]]);

    if (prelude) await injectWorkerPrelude(page, prelude);
    await page.goto('index.html');
    await page.locator('#file-input').setInputFiles(reel.files);
    await page.locator('#certs-only').check();
    await page.locator('#time-input').fill(manifest().check_time);
    await page.locator('#anchors-details summary').click();
    await page.locator('#anchor-input').setInputFiles([trustFile()]);
    await page.locator('#verify-button').click();
    await expect(page.locator('#summary')).toBeVisible({ timeout: 100_000 });
    await expect(page.locator('#verdict-title')).toHaveText('Bundle failed verification');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-json').click()]);
    expect(fs.readFileSync(await download.path(), 'utf8') === cliJson).toBe(true);
  });
}
