// Which of the core's functions V8 optimises (TurboFan) during the first run on a fresh page, and
// what each compile cost: V8 runs a WebAssembly function on its baseline tier (Liftoff) until it
// has run enough, then compiles it again in the background while the run goes on, on the same
// cores as the workers. A large function that runs once per run is compiled for nothing there.
// Never part of the tests.
//
//   BUILD=build/wasm-prof OUT=build/web-prof WASM_FLAGS=--profiling-funcs bash scripts/build_web.sh
//   node bench/tier_up.mjs [build/web-prof [build/wasm-prof/wasm/reelcheck_core.wasm [TOP]]]
//
// The page is driven as bench/bench.mjs drives it (key, check time, anchors, then the 4,160-chip
// reel and Verify) in Debian's Chromium, started here with V8's --trace-wasm-compilation-times
// so that its output can be read; the .wasm given supplies the functions' names.
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [webDir = 'build/web-prof', wasmPath = 'build/wasm-prof/wasm/reelcheck_core.wasm', top = '25'] = process.argv.slice(2);
const fixtures = path.join(root, 'build', 'fixtures');
const manifest = JSON.parse(fs.readFileSync(path.join(fixtures, 'manifest.json'), 'utf8'));
const big = manifest.bundles.big;

// Function index -> name (the "name" custom section) and -> size of its body in bytes (the code
// section), from one pass over the module; imported functions count first in both.
function readFunctions(file) {
  const b = fs.readFileSync(file);
  let i = 8;
  const leb = () => { let r = 0, s = 0, x; do { x = b[i++]; r += (x & 0x7f) * 2 ** s; s += 7; } while (x & 0x80); return r; };
  const skipName = () => { const l = leb(); i += l; };
  const skipLimits = () => { const flags = b[i++]; leb(); if (flags & 1) leb(); };
  let imported = 0;
  const names = new Map();
  const sizes = new Map();
  while (i < b.length) {
    const id = b[i++];
    const size = leb();
    const end = i + size;
    if (id === 2) {
      for (let n = leb(); n > 0; n--) {
        skipName(); skipName();
        const kind = b[i++];
        if (kind === 0) { leb(); imported++; } else if (kind === 1) { i++; skipLimits(); } else if (kind === 2) skipLimits(); else if (kind === 3) i += 2; else if (kind === 4) { i++; leb(); }
      }
    } else if (id === 10) {
      const n = leb();
      for (let k = 0; k < n; k++) { const s = leb(); sizes.set(imported + k, s); i += s; }
    } else if (id === 0) {
      const len = leb();
      const section = b.toString('utf8', i, i + len);
      i += len;
      while (section === 'name' && i < end) {
        const sub = b[i++];
        const subEnd = leb() + i;
        if (sub === 1) {
          for (let n = leb(); n > 0; n--) { const index = leb(); const l = leb(); names.set(index, b.toString('utf8', i, i + l)); i += l; }
        }
        i = subEnd;
      }
    }
    i = end;
  }
  return { names, sizes };
}

// Chromium with a DevTools port, its output read here; Playwright connects to it.
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'reelcheck-tier-up-'));
const browserProcess = spawn('/usr/bin/chromium', ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--remote-debugging-port=0', `--user-data-dir=${profile}`,
  '--js-flags=--trace-wasm-compilation-times', 'about:blank'], { stdio: ['ignore', 'pipe', 'pipe'] });
const compiled = []; // {at: ms since the epoch, index, ms}
let buffered = '';
browserProcess.stdout.on('data', (chunk) => {
  buffered += chunk;
  const lines = buffered.split('\n');
  buffered = lines.pop();
  for (const line of lines) {
    const m = /#(\d+) using TurboFan, took (\d+) μs/.exec(line);
    if (m) compiled.push({ at: Date.now(), index: Number(m[1]), ms: Number(m[2]) / 1000 });
  }
});
const endpoint = await new Promise((resolve, reject) => {
  let err = '';
  browserProcess.stderr.on('data', (chunk) => {
    err += chunk;
    const m = /DevTools listening on (ws:\/\/\S+)/.exec(err);
    if (m) resolve(m[1]);
  });
  browserProcess.on('exit', () => reject(new Error('Chromium ended: ' + err.slice(-500))));
});
const browser = await chromium.connectOverCDP(endpoint);
try {
  const page = await browser.contexts()[0].newPage();
  await page.goto('file://' + path.resolve(root, webDir, 'index.html'));
  await page.locator('#key-input').fill(fs.readFileSync(path.join(fixtures, big.key_file), 'utf8').trim());
  await page.locator('#time-input').fill(manifest.check_time);
  await page.locator('#anchors-details summary').click();
  await page.locator('#anchor-input').setInputFiles([path.join(fixtures, manifest.trust)]);
  await page.locator('#anchors-only').check();
  const selected = Date.now();
  await page.locator('#file-input').setInputFiles([path.join(fixtures, big.files[0])]);
  await page.locator('#verify-button').click();
  await page.locator('#summary').waitFor({ state: 'visible', timeout: 600_000 });
  const verdict = Date.now();
  await page.waitForTimeout(1000); // the last lines of output, the page's own work after the verdict
  // The same reel again on the same page: what V8 still compiles then.
  await page.locator('#key-input').fill(fs.readFileSync(path.join(fixtures, big.key_file), 'utf8').trim());
  await page.evaluate(() => { window.__reelcheckTimings = null; });
  const again = Date.now();
  await page.locator('#verify-button').click();
  await page.waitForFunction(() => window.__reelcheckTimings, null, { timeout: 600_000, polling: 10 });
  const againVerdict = Date.now();
  await page.waitForTimeout(300);

  const { names, sizes } = readFunctions(path.resolve(root, wasmPath));
  const kb = (list) => (list.reduce((s, c) => s + (sizes.get(c.index) || 0), 0) / 1024).toFixed(0);
  const before = compiled.filter((c) => c.at < selected);
  const during = compiled.filter((c) => c.at >= selected && c.at <= verdict);
  const sum = (list) => list.reduce((s, c) => s + c.ms, 0);
  console.log(`first run: ${((verdict - selected) / 1000).toFixed(2)} s from choosing the bundle to the verdict (traced, in a Chromium of its own: bench/bench.mjs times runs)`);
  console.log(`TurboFan: ${sum(before).toFixed(0)} ms for ${before.length} functions before it, ` +
    `${sum(during).toFixed(0)} ms for ${during.length} functions during it (each compile's own time, on V8's background threads; ` +
    `${kb(before)} and ${kb(during)} KB of wasm code, which does not vary with the machine's load as the times do)`);
  const list = (compiles) => {
    for (const c of [...compiles].sort((a, b) => b.ms - a.ms).slice(0, Number(top))) {
      console.log(`  ${c.ms.toFixed(1).padStart(6)} ms ${String(sizes.get(c.index) || 0).padStart(6)} B  ${(names.get(c.index) || '#' + c.index).slice(0, 100)}`);
    }
  };
  list(during);
  if (process.env.BEFORE) {
    console.log('before it:');
    list(before);
  }
  const second = compiled.filter((c) => c.at >= again && c.at <= againVerdict);
  console.log(`again on the same page: ${((againVerdict - again) / 1000).toFixed(2)} s from Verify to the verdict; ` +
    `TurboFan ${sum(second).toFixed(0)} ms for ${second.length} functions (${kb(second)} KB) during it`);
  list(second);
} finally {
  await browser.close().catch(() => {});
  if (browserProcess.exitCode === null) await new Promise((resolve) => { browserProcess.once('exit', resolve); browserProcess.kill(); });
  fs.rmSync(profile, { recursive: true, force: true, maxRetries: 5 });
}
