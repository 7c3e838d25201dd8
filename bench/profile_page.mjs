// Where the page's time goes, per worker: V8's sampling profiler in each of the page's workers
// (through the DevTools protocol), for a first run on a fresh page and for the same reel again on
// the same page. Prints each worker's top functions by self time, both runs side by side.
// Not a test, not part of bench/run.sh. Build the page with function names first:
//   BUILD=build/wasm-prof OUT=build/web-prof WASM_FLAGS=--profiling-funcs bash scripts/build_web.sh
//   NODE_PATH=/usr/share/nodejs node bench/profile_page.mjs build/web-prof
// The profiles cover Verify -> verdict (docs/performance.md, "The first run on a fresh page").
// Environment: TOP (functions per worker, default 25), INTERVAL_US (sampling, default 250),
// LOAD=1 (also each worker's functions from its start to the bundle's choice),
// PAUSE_MS (time between choosing the bundle and Verify, default 0: the workers' start then
// falls in the first run), CALLERS=memset,dlmalloc (where those functions were called from;
// column:N for an anonymous JavaScript function at that column of the workers' script; a name
// ending in * matches every function whose name begins so, for C++ names that hold commas).
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBenchChromium, servePage } from './bench_browser.mjs';

const env = process.env;
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const webDir = path.resolve(process.argv[2] || path.join(root, 'build/web-prof'));
const fixtures = path.join(root, 'build/fixtures');
const bundle = fs.readdirSync(path.join(fixtures, 'bundles')).filter((f) => f.startsWith('big.')).map((f) => path.join(fixtures, 'bundles', f))[0];
const key = fs.readFileSync(path.join(fixtures, 'big.key'), 'utf8').trim();
const trust = path.join(fixtures, 'pki/trust.pem');
const manifest = JSON.parse(fs.readFileSync(path.join(fixtures, 'manifest.json'), 'utf8'));
const checkTime = manifest.check_time;
const TOP = Number(env.TOP || 25);

const server = await servePage(() => webDir);
const browser = await launchBenchChromium(chromium);
const page = await browser.newPage();
const cdp = await page.context().newCDPSession(page);

// Workers, reached through Target.sendMessageToTarget (a session of their own per worker).
const workers = new Map(); // sessionId -> {title, pending: Map(id -> resolve)}
let nextId = 1;
const sendTo = (sessionId, method, params = {}) => new Promise((resolve, reject) => {
  const id = nextId++;
  workers.get(sessionId).pending.set(id, { resolve, reject });
  cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) }).catch(reject);
});
cdp.on('Target.receivedMessageFromTarget', ({ sessionId, message }) => {
  const w = workers.get(sessionId);
  const m = JSON.parse(message);
  if (!w || !m.id || !w.pending.has(m.id)) return;
  const p = w.pending.get(m.id);
  w.pending.delete(m.id);
  if (m.error) p.reject(new Error(m.error.message)); else p.resolve(m.result);
});
const started = [];
cdp.on('Target.attachedToTarget', ({ sessionId, targetInfo }) => {
  if (targetInfo.type !== 'worker') return;
  workers.set(sessionId, { title: targetInfo.title || targetInfo.url, pending: new Map() });
  started.push((async () => {
    await sendTo(sessionId, 'Profiler.enable');
    await sendTo(sessionId, 'Profiler.setSamplingInterval', { interval: Number(env.INTERVAL_US || 250) });
    await sendTo(sessionId, 'Runtime.runIfWaitingForDebugger').catch(() => {});
    await sendTo(sessionId, 'Profiler.start');
  })());
});
await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: false });

await page.goto(`${server.origin}/index.html`);
await page.locator('#key-input').fill(key);
await page.locator('#time-input').fill(checkTime);
if (await page.locator('#anchors-details summary').count()) await page.locator('#anchors-details summary').click();
await page.locator('#anchor-input').setInputFiles([trust]);
if (await page.locator('#anchors-only').count()) await page.locator('#anchors-only').check();

async function stopAll() {
  await Promise.all(started);
  const out = [];
  for (const [sessionId, w] of workers) {
    const { profile } = await sendTo(sessionId, 'Profiler.stop');
    out.push({ title: w.title, profile });
  }
  return out;
}
async function restartAll() {
  for (const sessionId of workers.keys()) await sendTo(sessionId, 'Profiler.start');
}

// Self time per function name (ms), from a CPU profile's samples.
function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const t = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const n = byId.get(profile.samples[i]);
    const cf = n.callFrame;
    const name = cf.functionName || (cf.url ? `(anonymous, line ${cf.lineNumber + 1}:${cf.columnNumber + 1})` : `(${cf.url || 'native'})`);
    t.set(name, (t.get(name) || 0) + (profile.timeDeltas[i] || 0) / 1000);
  }
  return t;
}

await page.locator('#file-input').setInputFiles([bundle]);
// From here on the profiles cover Verify to verdict: what the workers did before is dropped.
// With PAUSE_MS=0 their start (made when the bundle is chosen) is still under way, and counted.
await page.waitForTimeout(Number(env.PAUSE_MS || 0));
const loading = await stopAll();
await restartAll();
let t0 = Date.now();
await page.locator('#verify-button').click();
await page.locator('#summary').waitFor({ state: 'visible', timeout: 600_000 });
const firstMs = Date.now() - t0;
await page.waitForFunction(() => window.__reelcheckTimings, null, { timeout: 10_000 }).catch(() => {});
const phasesOf = (t) => t ? Object.entries(t.phases).map(([k, v]) => `${k} ${(v / 1000).toFixed(2)}`).join(', ') : 'n/a';
const firstTimings = await page.evaluate(() => window.__reelcheckTimings || null);
const first = await stopAll();
await restartAll();
await page.locator('#key-input').fill(key);
await page.evaluate(() => { window.__reelcheckTimings = null; });
t0 = Date.now();
await page.locator('#verify-button').click();
await page.waitForFunction(() => window.__reelcheckTimings, null, { timeout: 600_000 });
const againMs = Date.now() - t0;
const againTimings = await page.evaluate(() => window.__reelcheckTimings || null);
const again = await stopAll();

console.log(`first run ${firstMs} ms (${phasesOf(firstTimings)}), again ${againMs} ms (${phasesOf(againTimings)})`);
// A worker's busy time from selfTimes(): every sample but (idle) and (program).
const busyMs = (m) => [...m.entries()].filter(([k]) => k !== '(idle)' && k !== '(program)').reduce((s, [, v]) => s + v, 0);
// LOAD=1: what each worker did from its start to the bundle's choice, by self time.
if (env.LOAD) {
  for (const w of loading) {
    const a = selfTimes(w.profile);
    console.log(`\n== ${w.title}, from its start to the bundle's choice: busy ${busyMs(a).toFixed(0)} ms`);
    [...a.keys()].filter((k) => k !== '(idle)').sort((x, y) => a.get(y) - a.get(x)).slice(0, TOP)
      .forEach((n) => console.log(`  ${a.get(n).toFixed(1).padStart(8)}  ${n.slice(0, 120)}`));
  }
}
first.forEach((w, i) => {
  const a = selfTimes(w.profile);
  const b = selfTimes(again[i].profile);
  console.log(`\n== ${w.title}: busy ${busyMs(a).toFixed(0)} ms first, ${busyMs(b).toFixed(0)} ms again (idle and (program) left out)`);
  const names = [...a.keys()].filter((k) => k !== '(idle)').sort((x, y) => a.get(y) - a.get(x)).slice(0, TOP);
  for (const n of names) console.log(`  ${a.get(n).toFixed(1).padStart(8)} ${(b.get(n) || 0).toFixed(1).padStart(8)}  ${n.slice(0, 110)}`);
  // CALLERS=memset,dlmalloc: where the first run's samples of these functions were called from.
  for (const fn of (env.CALLERS || '').split(',').filter(Boolean)) {
    const c = callers(w.profile, fn);
    console.log(`  callers of ${fn} (first run):`);
    [...c.entries()].sort((x, y) => y[1] - x[1]).slice(0, 8).forEach(([k, v]) => console.log(`    ${v.toFixed(1).padStart(8)}  ${k.slice(0, 150)}`));
  }
});

// The first three named callers above each sample of `fn`, with their time (ms).
function callers(profile, fn) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);
  const short = (n) => (n.callFrame.functionName || '?').replace(/\(.*$/, '').slice(0, 60);
  const t = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const n = byId.get(profile.samples[i]);
    const cf = n.callFrame;
    if (fn.startsWith('column:') ? (cf.functionName || cf.columnNumber + 1 !== Number(fn.slice(7))) : !(cf.functionName === fn || (fn.endsWith('*') && (cf.functionName || '').startsWith(fn.slice(0, -1))))) continue;
    const chain = [];
    for (let p = parent.get(n.id); p && chain.length < 5; p = parent.get(p)) chain.push(short(byId.get(p)));
    const k = chain.join(' < ');
    t.set(k, (t.get(k) || 0) + (profile.timeDeltas[i] || 0) / 1000);
  }
  return t;
}
await browser.close();
server.close();
