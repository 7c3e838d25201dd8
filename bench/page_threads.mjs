// Where the page's CPU goes, thread by thread: CPU seconds and page faults of every thread of the
// browser (from /proc) during a first run on a fresh page and during the same reel again on that
// page, for one or more builds of the page, alternating. Not a test, not part of bench/run.sh:
// a diagnosis for docs/performance.md ("A run's CPU, thread by thread").
//   node bench/page_threads.mjs [build/web [build/web-other ...]]
// The page is driven as bench/bench.mjs drives it (key, check time, anchors, then the
// 4,160-chip reel and Verify at once). The CPU counted is the whole browser's from choosing the
// bundle to the verdict (the first run), and from Verify to the verdict (again); the times are
// the page's own clock over the same spans. Environment: ROUNDS (per build, default 3).
// The three Web Workers are told apart by the order their threads started (the lowest thread
// ID first): on this page the coordinator starts first (the page's start asks it for the code
// table and the check time), then verifier 1 and 2; their CPU says which is which (a
// coordinator uses about half a verifier's).
// A page fault is the first write into a 4 KiB page the process has not used yet; on the
// benchmark's virtual machine each costs about 12 µs of that thread's CPU.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBenchChromium, servePage } from './bench_browser.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const webDirs = (process.argv.length > 2 ? process.argv.slice(2) : ['build/web']).map((d) => path.resolve(d));
const fixtures = path.join(root, 'build/fixtures');
const manifest = JSON.parse(fs.readFileSync(path.join(fixtures, 'manifest.json'), 'utf8'));
const big = manifest.bundles.big;
const bundle = path.join(fixtures, big.files[0]);
const key = fs.readFileSync(path.join(fixtures, big.key_file), 'utf8').trim();
const trust = path.join(fixtures, manifest.trust);
const ROUNDS = Number(process.env.ROUNDS || 3);
const TICK_MS = 1000 / 100; // USER_HZ

let served = webDirs[0];
const server = await servePage(() => served);
const browser = await launchBenchChromium(chromium);

// The processes started by this one (Chromium's), at any depth.
function descendants() {
  const children = new Map();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(parent)) children.set(parent, []);
      children.get(parent).push(Number(d));
    } catch { /* gone */ }
  }
  const out = [];
  const walk = (pid) => { for (const c of children.get(pid) || []) { out.push(c); walk(c); } };
  walk(process.pid);
  return out;
}
// Every thread of those processes: 'pid/tid' -> {tid, kind: browser|renderer|other, name,
// ticks (user + system), faults (minor)}.
function threads() {
  const all = new Map();
  for (const pid of descendants()) {
    let kind = 'other';
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      kind = cmd.includes('--type=renderer') ? 'renderer' : cmd.includes('--type=') ? 'other' : 'browser';
      for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
        const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        all.set(`${pid}/${tid}`, { tid: Number(tid), kind, name, ticks: Number(f[11]) + Number(f[12]), faults: Number(f[7]) });
      }
    } catch { /* gone */ }
  }
  return all;
}
// What each group of threads used between two snapshots: {group: {ms, faults}}.
function used(before, after) {
  const workers = [...after.entries()].filter(([, t]) => t.kind === 'renderer' && t.name.startsWith('DedicatedWorker')).sort((a, b) => a[1].tid - b[1].tid).map(([k]) => k);
  const groups = {};
  for (const [k, t] of after) {
    const w = workers.indexOf(k);
    const group = w >= 0 ? `worker ${w + 1}` : t.kind === 'renderer' && t.name === 'chromium' ? 'page (main thread)'
      : t.kind === 'renderer' && t.name.startsWith('ThreadPoolForeg') ? 'V8 background' : t.kind === 'renderer' && t.name === 'Compositor' ? 'compositor' : 'rest of the browser';
    const b = before.get(k) || { ticks: 0, faults: 0 };
    const g = groups[group] || (groups[group] = { ms: 0, faults: 0 });
    g.ms += (t.ticks - b.ticks) * TICK_MS;
    g.faults += t.faults - b.faults;
  }
  return groups;
}
const ORDER = ['worker 1', 'worker 2', 'worker 3', 'page (main thread)', 'V8 background', 'compositor', 'rest of the browser'];
const line = (groups) => ORDER.filter((g) => groups[g]).map((g) => `${g} ${(groups[g].ms / 1000).toFixed(2)} s ${(groups[g].faults / 1000).toFixed(1)}k`).join(', ');
const total = (groups) => Object.values(groups).reduce((s, g) => ({ ms: s.ms + g.ms, faults: s.faults + g.faults }), { ms: 0, faults: 0 });

const results = webDirs.map(() => ({ first: [], again: [] }));
for (let round = 0; round < ROUNDS * webDirs.length; round++) {
  const which = round % webDirs.length;
  served = webDirs[which];
  const page = await browser.newPage();
  try {
    await page.goto(`${server.origin}/index.html`);
    await page.locator('#key-input').fill(key);
    await page.locator('#time-input').fill(manifest.check_time);
    await page.locator('#anchors-details summary').click();
    await page.locator('#anchor-input').setInputFiles([trust]);
    await page.locator('#anchors-only').check();
    const s0 = threads();
    await page.locator('#file-input').setInputFiles([bundle]);
    await page.locator('#verify-button').click();
    // Asked every 10 ms: the CPU counted ends within a few ms of the verdict.
    await page.waitForFunction(() => window.__reelcheckTimings, null, { timeout: 600_000, polling: 10 });
    const groupsFirst = used(s0, threads());
    // The page's own clock: from choosing the bundle (the run begins then) to the verdict.
    const first = { ms: await page.evaluate(() => window.__reelcheckTimings.total + window.__reelcheckTimings.begunBeforeVerify), groups: groupsFirst };
    await page.waitForTimeout(1000); // the page's own work after the verdict, outside both runs
    await page.locator('#key-input').fill(key);
    await page.evaluate(() => { window.__reelcheckTimings = null; });
    const s1 = threads();
    await page.locator('#verify-button').click();
    await page.waitForFunction(() => window.__reelcheckTimings, null, { timeout: 600_000, polling: 10 });
    const groupsAgain = used(s1, threads());
    const again = { ms: await page.evaluate(() => window.__reelcheckTimings.total), groups: groupsAgain };
    results[which].first.push(first);
    results[which].again.push(again);
    for (const [label, r] of [['first', first], ['again', again]]) {
      const t = total(r.groups);
      console.log(`${path.relative(root, served)} ${label} run ${(r.ms / 1000).toFixed(2)} s in the page's clock, CPU ${(t.ms / 1000).toFixed(2)} s, ${(t.faults / 1000).toFixed(1)}k faults: ${line(r.groups)}`);
    }
  } finally {
    await page.close();
  }
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[(s.length - 1) >> 1]; };
console.log(`\nmedians of ${ROUNDS} rounds (CPU seconds and page faults per thread group)`);
webDirs.forEach((dir, i) => {
  for (const label of ['first', 'again']) {
    const runs = results[i][label];
    const groups = {};
    for (const g of ORDER) {
      const present = runs.filter((r) => r.groups[g]);
      if (present.length) groups[g] = { ms: median(present.map((r) => r.groups[g].ms)), faults: median(present.map((r) => r.groups[g].faults)) };
    }
    const cpu = median(runs.map((r) => total(r.groups).ms));
    const faults = median(runs.map((r) => total(r.groups).faults));
    console.log(`  ${path.relative(root, dir)} ${label} run ${(median(runs.map((r) => r.ms)) / 1000).toFixed(2)} s, CPU ${(cpu / 1000).toFixed(2)} s, ${(faults / 1000).toFixed(1)}k faults: ${line(groups)}`);
  }
});
await browser.close();
server.close();
