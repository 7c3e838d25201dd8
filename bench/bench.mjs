// The benchmark driver behind bench/run.sh (never part of the tests). On ONE 4,100-chip reel
// made by the fixture generator it measures, alternating, ROUNDS rounds, medians:
//   manual   7zz x + batched openssl verify (bench/manual_pipeline.sh)
//   cli      reelcheck verify --jobs 2 (peak RSS from /usr/bin/time -v)
//   cli x2   the same bundle twice (as .7z files of two names): one reel, verified once (about 1x)
//   page     build/web in headless Chromium, from setInputFiles to the verdict on screen; then
//            the same reel again on the same page (what the first run paid for V8 compiling
//            and optimising the core's code on first use). The bundle is chosen right after the
//            anchors, while the page's idle-time start (workers, tables) may still be going on
//   settled  the same, with the bundle chosen 2 s after the anchors (a person's pace)
//   compare  bench/compare (7z-wasm + @peculiar/x509), same measure
//   baseline another build of the page (REELCHECK_BASELINE_WEB_DIR), same measure, if given;
//            BASELINE_SETTLE=1: at the settled pace instead, to compare with `settled`
// then the wasm micro-benchmark (µs per P-384 verification in Chromium). Prints a summary and
// writes it as JSON to build/bench/results.json. REELCHECK_BENCH_CHROMIUM_ARGS adds Chromium
// switches (space-separated), e.g. V8 flags; bench/profile_page.mjs profiles the page's workers.
import { chromium } from 'playwright-core';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBenchChromium } from './bench_browser.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const env = process.env;
const ROUNDS = Number(env.ROUNDS || 3);
const fixtures = path.resolve(env.REELCHECK_FIXTURES || path.join(root, 'build', 'fixtures'));
const manifest = JSON.parse(fs.readFileSync(path.join(fixtures, 'manifest.json'), 'utf8'));
const big = manifest.bundles.big;
const bundle = path.join(fixtures, big.files[0]);
const keyFile = path.join(fixtures, big.key_file);
const key = fs.readFileSync(keyFile, 'utf8').trim();
const trust = path.join(fixtures, manifest.trust);
const pkiDir = path.join(fixtures, 'pki');
const checkTime = manifest.check_time;
const cli = path.resolve(env.REELCHECK_CLI || path.join(root, 'build', 'webperf-release', 'native', 'reelcheck'));
const webDir = path.resolve(env.REELCHECK_WEB_DIR || path.join(root, 'build', 'web'));
const microDir = path.resolve(env.REELCHECK_MICRO_DIR || path.join(root, 'build', 'wasm', 'wasm', 'bench'));
const outDir = path.join(root, 'build', 'bench');
// REELCHECK_BASELINE_WEB_DIR: another build of the page (say, of an earlier commit), run
// alternating with this one as "baseline", to measure what a change bought phase by phase.
const baselineDir = env.REELCHECK_BASELINE_WEB_DIR ? path.resolve(env.REELCHECK_BASELINE_WEB_DIR) : null;
const only = (env.ONLY || 'manual,cli,cli2,page,settled,compare,micro' + (baselineDir ? ',baseline' : '')).split(',');

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN; };
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const now = () => process.hrtime.bigint();

// ---- static server: /page/ build/web, /compare/ bench/compare, /micro/ the wasm bench ------
const roots = { page: webDir, baseline: baselineDir, compare: path.join(here, 'compare'), micro: microDir, microsrc: path.join(here, 'wasm'), fixtures };
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css',
  '.wasm': 'application/wasm', '.json': 'application/json', '.pem': 'text/plain' };
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  const [, top, ...rest] = decodeURIComponent(url.pathname).split('/');
  const base = roots[top];
  const file = base && path.resolve(base, rest.join('/') || 'index.html');
  if (!file || !file.startsWith(base + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    res.writeHead(404).end(); return;
  }
  res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream', 'cache-control': 'no-store' });
  fs.createReadStream(file).pipe(res);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;

// Playwright's own list of features and the browser UI Chromium preloads in every window off:
// they loaded beside the page's first run (bench_browser.mjs).
const browser = await launchBenchChromium(chromium);

// ---- the five measurements ------------------------------------------------------------------
function runManual() {
  const t0 = now();
  const r = spawnSync('bash', [path.join(here, 'manual_pipeline.sh'), bundle, keyFile, pkiDir, String(manifest.check_time_epoch)], { encoding: 'utf8' });
  const t = ms(t0);
  if (r.status !== 0) throw new Error('manual pipeline failed: ' + r.stderr);
  return { ms: t, note: r.stdout.trim().replace(' ', ' of ') + ' certificates OK' };
}

let twoReelDir = null;
function runCli(bundles) {
  const args = ['-v', cli, 'verify', ...bundles, '--key-file', keyFile, '--no-default-trust', '--trust', trust,
    '--at', checkTime, '--jobs', '2', '--quiet'];
  const t0 = now();
  const r = spawnSync('/usr/bin/time', args, { encoding: 'utf8' });
  const t = ms(t0);
  if (r.status !== 0 && r.status !== 1) throw new Error('reelcheck verify failed (' + r.status + '): ' + r.stderr.slice(-2000));
  const rss = Number((r.stderr.match(/Maximum resident set size \(kbytes\): (\d+)/) || [])[1]) / 1024;
  // CPU seconds (user + system): wall against CPU ÷ 2 cores says how busy both cores were.
  const cpu = ['User', 'System'].reduce((sum, k) => sum + Number((r.stderr.match(new RegExp(k + ' time \\(seconds\\): ([\\d.]+)')) || [])[1]), 0) * 1000;
  return { ms: t, cpuMs: cpu, rssMiB: rss, exit: r.status };
}
function runCli2() {
  if (!twoReelDir) {
    twoReelDir = fs.mkdtempSync(path.join(os.tmpdir(), 'reelcheck-bench-'));
    for (const n of ['a', 'b']) fs.copyFileSync(bundle, path.join(twoReelDir, `reel_${n}` + path.extname(bundle)));
  }
  return runCli(fs.readdirSync(twoReelDir).sort().map((f) => path.join(twoReelDir, f)));
}

async function runPageLike(url, { verdict, after, settleMs = 0 }) {
  const page = await browser.newPage();
  try {
    await page.goto(url);
    await page.locator('#key-input').fill(key);
    await page.locator('#time-input').fill(checkTime);
    if (await page.locator('#anchors-details summary').count()) await page.locator('#anchors-details summary').click();
    await page.locator('#anchor-input').setInputFiles([trust]);
    if (await page.locator('#anchors-only').count()) await page.locator('#anchors-only').check();
    // settled: the bundle is chosen settleMs after the anchors, as a person would (the page's
    // work while it is idle after loading is then done: its workers started, its verifiers
    // prepared for these anchors). Otherwise at once, with that work still going on.
    if (settleMs) await page.waitForTimeout(settleMs);
    // The UI thread's responsiveness: how soon after the click the first progress shows (a phase
    // row turns active), and the longest task on the UI thread (Chromium's Long Tasks API, which
    // reports every task over 50 ms) during the run.
    // The page's own clock also times file selection -> verdict on screen (selectAt ..
    // verdictAt): the same span without the driver's round trips (setInputFiles, click, polling).
    await page.evaluate((verdictSelector) => {
      window.__ui = { selectAt: 0, armedAt: 0, clickAt: 0, firstProgressAt: 0, verdictAt: 0, longest: 0, tasks: [] };
      // Resolved when the verdict is painted: the driver awaits it instead of polling for the
      // element, whose back-off (up to a second between checks on a busy page) rounded the wall
      // time up to its next check.
      window.__verdictPainted = new Promise((resolve) => { window.__resolveVerdictPainted = resolve; });
      document.getElementById('file-input')?.addEventListener('change', () => { if (!window.__ui.selectAt) window.__ui.selectAt = performance.now(); }, true);
      document.getElementById('verify-button')?.addEventListener('click', () => { window.__ui.clickAt = performance.now(); }, true);
      // Shown = neither it nor an ancestor is hidden (the page shows and hides by the attribute).
      // Not checkVisibility() or offsetParent: this observer runs inside the page's own task,
      // and asking for layout there would lay the page out in that task and charge it the cost.
      const shown = (el) => el && !el.closest('[hidden]');
      new MutationObserver(() => {
        if (!window.__ui.firstProgressAt && window.__ui.clickAt && document.querySelector('.phase.active, .phase.done')) window.__ui.firstProgressAt = performance.now();
        if (!window.__ui.verdictAt && window.__ui.clickAt && shown(document.querySelector(verdictSelector))) {
          // Painted: the next frame after the DOM change.
          window.__ui.verdictAt = -1;
          requestAnimationFrame(() => { window.__ui.verdictAt = performance.now(); window.__resolveVerdictPainted(); });
        }
      }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
      try {
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) {
            // From just before the click (armedAt): the click's own task counts too.
            if (!window.__ui.armedAt || e.startTime < window.__ui.armedAt) continue;
            window.__ui.tasks.push([e.startTime, e.duration]);
            window.__ui.longest = Math.max(window.__ui.longest, e.duration);
          }
        }).observe({ type: 'longtask' });
      } catch (e) { window.__ui.longest = -1; }
      // What the longest frame was made of (Chromium's Long Animation Frames API): its scripts
      // (which handler, where) and its style, layout and paint. Said, not measured against.
      try {
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) {
            if (!window.__ui.armedAt || e.startTime < window.__ui.armedAt) continue;
            if (window.__ui.worstFrame && window.__ui.worstFrame.ms >= e.duration) continue;
            const end = e.startTime + e.duration;
            const scripts = [...e.scripts].sort((a, b) => b.duration - a.duration).slice(0, 2).map((x) =>
              `${x.invoker || x.invokerType} ${x.duration.toFixed(0)} ms` +
              (x.sourceFunctionName ? ` in ${x.sourceFunctionName}` : '') +
              (x.sourceURL ? ` (${x.sourceURL.split('/').pop()}:${x.sourceCharPosition})` : '') +
              (x.forcedStyleAndLayoutDuration ? `, ${x.forcedStyleAndLayoutDuration.toFixed(0)} ms forced layout` : ''));
            window.__ui.worstFrame = { ms: e.duration,
              text: `longest frame ${e.duration.toFixed(0)} ms: ` +
                (scripts.length ? 'scripts ' + scripts.join('; ') : 'no script') +
                (e.styleAndLayoutStart ? `; style and layout ${(end - e.styleAndLayoutStart).toFixed(0)} ms` : '') +
                (e.renderStart ? ` (rendering ${(end - e.renderStart).toFixed(0)} ms)` : '') };
          }
        }).observe({ type: 'long-animation-frame' });
      } catch (e) { /* not in this browser */ }
    }, verdict);
    const t0 = now();
    await page.locator('#file-input').setInputFiles([bundle]);
    await page.evaluate(() => { window.__ui.armedAt = performance.now(); });
    await page.locator('#verify-button').click();
    await Promise.race([page.evaluate(() => window.__verdictPainted),
      page.locator(verdict).waitFor({ state: 'visible', timeout: 600_000 })]);
    const t = ms(t0);
    await page.waitForTimeout(100); // long tasks are reported after they end
    const ui = await page.evaluate(() => window.__ui);
    return { ms: t, ui, ...(after ? await after(page) : {}) };
  } finally {
    await page.close();
  }
}
const SETTLE_MS = 2000;
const runPageAt = (top, settleMs = 0) => runPageLike(origin + '/' + top + '/index.html', {
  verdict: '#summary',
  settleMs,
  after: async (page) => {
    // The heap figure arrives just after the verdict (the workers are asked once it is shown).
    await page.waitForFunction(() => window.__reelcheckTimings && window.__reelcheckTimings.wasmHeapMiB, null, { timeout: 10_000 })
      .catch(() => {});
    const timings = await page.evaluate(() => window.__reelcheckTimings || null);
    const counts = await page.locator('#c-certs').textContent();
    // The same reel again on the same page (its workers kept): what the first run paid for V8
    // compiling and optimising the core's code, which every later run of this page reuses.
    await page.locator('#key-input').fill(key);
    await page.evaluate(() => { window.__reelcheckTimings = null; });
    const t0 = now();
    await page.locator('#verify-button').click();
    await page.waitForFunction(() => window.__reelcheckTimings, null, { timeout: 600_000 });
    const again = { ms: ms(t0), timings: await page.evaluate(() => window.__reelcheckTimings) };
    return { timings, again, note: counts + ' certificates OK' };
  },
});
const runPage = () => runPageAt('page');
const runCompare = () => runPageLike(origin + '/compare/index.html', {
  verdict: '#verdict:not(:empty)',
  after: async (page) => ({ note: await page.locator('#verdict').textContent(), compareTimings: await page.evaluate(() => window.__compareTimings || null) }),
});

// ---- rounds -----------------------------------------------------------------------------------
const runs = { manual: [], cli: [], cli2: [], page: [], settled: [], baseline: [], compare: [] };
const fns = { manual: runManual, cli: () => runCli([bundle]), cli2: runCli2, page: runPage, settled: () => runPageAt('page', SETTLE_MS), baseline: () => runPageAt('baseline', env.BASELINE_SETTLE ? SETTLE_MS : 0), compare: runCompare };
// Each measurement starts on a quiet machine: Chromium goes on working after a page is closed
// (its renderer's teardown), and a CLI run started then shared the cores with it (0.64-0.85 s
// against 0.58-0.61 s alone). Waits until both cores were less than 10% busy for 300 ms, at most
// 5 s; the wait is not measured.
function cpuTicks() {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3] + (f[4] || 0);
  return { idle, total: f.reduce((a, b) => a + b, 0) };
}
async function quiet() {
  if (!fs.existsSync('/proc/stat')) return;
  const until = Date.now() + 5000;
  let prev = cpuTicks();
  while (Date.now() < until) {
    await new Promise((r) => setTimeout(r, 300));
    const cur = cpuTicks();
    const busy = 1 - (cur.idle - prev.idle) / Math.max(1, cur.total - prev.total);
    prev = cur;
    if (busy < 0.1) return;
  }
}
for (let round = 1; round <= ROUNDS; round++) {
  for (const name of Object.keys(fns)) {
    if (!only.includes(name)) continue;
    await quiet();
    const r = await fns[name]();
    runs[name].push(r);
    console.log(`round ${round} ${name.padEnd(8)} ${(r.ms / 1000).toFixed(2)} s` +
      (r.rssMiB ? `  peak RSS ${r.rssMiB.toFixed(0)} MiB` : '') + (r.note ? `  (${r.note})` : '') +
      (r.timings ? '  ' + phaseLine(r.timings) : '') + (r.ui && r.ui.clickAt ? '  ' + uiLine(r.ui) : '') + (r.compareTimings ? '  ' + JSON.stringify(r.compareTimings) : '') +
      (r.again ? `\n        again on the same page: Verify to verdict ${(r.again.ms / 1000).toFixed(2)} s  ${phaseLine(r.again.timings)}` : ''));
  }
}
if (twoReelDir) fs.rmSync(twoReelDir, { recursive: true, force: true });

function uiLine(u) {
  const first = u.firstProgressAt ? `first progress ${(u.firstProgressAt - u.clickAt).toFixed(0)} ms after Verify` : 'no progress seen';
  // The Long Tasks API reports only tasks over 50 ms: 0 means none was.
  const longest = u.longest < 0 ? 'long tasks not observable' : u.longest === 0 ? 'no UI-thread task over 50 ms'
    : `longest UI-thread task ${u.longest.toFixed(0)} ms (${u.tasks.length} over 50 ms: ` +
      u.tasks.map(([at, d]) => `${d.toFixed(0)} ms at ${(at - u.clickAt).toFixed(0)} ms`).join(', ') + ')';
  const inPage = u.selectAt > 0 && u.verdictAt > 0 ? `; in the page's clock: selection to verdict ${((u.verdictAt - u.selectAt) / 1000).toFixed(2)} s, Verify to verdict ${((u.verdictAt - u.clickAt) / 1000).toFixed(2)} s` : '';
  return `[${first}; ${longest}${inPage}${u.worstFrame ? '; ' + u.worstFrame.text : ''}]`;
}
// Median of the in-page time, file selection -> verdict painted (ms), or NaN.
function inPageMedian(list) {
  const xs = list.map((r) => r.ui).filter((u) => u && u.selectAt > 0 && u.verdictAt > 0).map((u) => u.verdictAt - u.selectAt);
  return xs.length ? median(xs) : NaN;
}

function phaseLine(t) {
  const p = t.phases || {};
  // Each phase with its start after the run's (@), and the verifiers' busy time: where the
  // page's wall time goes and how much of it the verifiers filled.
  const o = t.offsets || {};
  return Object.keys(p).map((k) => `${k} ${(p[k] / 1000).toFixed(2)}` + (k in o ? ` @${(o[k] / 1000).toFixed(2)}` : '')).join(', ') +
    (t.verifierBusy ? `; verifiers busy ${(t.verifierBusy / 1000).toFixed(2)} s of ${((t.total / 1000) * (t.verifiers || 1)).toFixed(2)}` : '') +
    (t.wasmHeapMiB ? `; wasm heap peak ${t.wasmHeapMiB.coordinator} MiB coordinator, ${t.wasmHeapMiB.verifierMax} MiB per verifier` : '');
}

// ---- the wasm micro-benchmark -----------------------------------------------------------------
async function runMicro() {
  if (!fs.existsSync(path.join(microDir, 'p384_wasm_bench.js'))) return { skipped: 'wasm bench not built' };
  // Device certificates straight from the bundle with 7zz (public data), into a temp folder.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'reelcheck-micro-'));
  try {
    spawnSync('7zz', ['x', '-y', '-bso0', '-bsp0', '-o' + tmp, bundle]);
    const inner = fs.readdirSync(tmp).find((f) => f.endsWith('_E0E0_Certs.7z'));
    spawnSync('7zz', ['x', '-y', '-bso0', '-bsp0', '-o' + path.join(tmp, 'certs'), path.join(tmp, inner)]);
    const certs = fs.readdirSync(path.join(tmp, 'certs')).sort().slice(0, 1000)
      .map((f) => fs.readFileSync(path.join(tmp, 'certs', f), 'utf8'));
    const ca = fs.readFileSync(path.join(pkiDir, 'ecc_ca.pem'), 'utf8');
    const page = await browser.newPage();
    await page.goto(origin + '/microsrc/index.html');
    const result = await page.evaluate(async ({ ca, certs }) => window.runBench(ca, certs, 3), { ca, certs });
    await page.close();
    return result;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
const micro = only.includes('micro') ? await runMicro() : { skipped: 'not asked for' };
await browser.close();
server.close();

// ---- summary -----------------------------------------------------------------------------------
const med = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, median(v.map((r) => r.ms))]));
const rss = Math.max(...runs.cli.concat(runs.cli2).map((r) => r.rssMiB || 0));
const pageRuns = runs.page.filter((r) => r.timings);
const heap = pageRuns.length ? Math.max(...pageRuns.map((r) => r.timings.wasmHeapMiB ? r.timings.wasmHeapMiB.max : 0)) : NaN;
const phaseMedians = {};
for (const r of pageRuns) for (const [k, v] of Object.entries(r.timings.phases || {})) (phaseMedians[k] ||= []).push(v);
for (const k of Object.keys(phaseMedians)) phaseMedians[k] = median(phaseMedians[k]);
function phaseMedianLine(list) {
  const m = {};
  for (const r of list.filter((x) => x.timings)) for (const [k, v] of Object.entries(r.timings.phases || {})) (m[k] ||= []).push(v);
  return Object.entries(m).map(([k, v]) => `${k} ${(median(v) / 1000).toFixed(2)} s`).join(', ') || 'n/a';
}
// The worst of all page runs: the targets are "never" and "within".
const over50 = (t) => (t > 0 ? t.toFixed(0) + ' ms' : 'none over 50 ms');
function uiSummary(pageRunList) {
  const seen = pageRunList.map((r) => r.ui).filter((u) => u && u.clickAt);
  if (!seen.length) return 'n/a';
  const firsts = seen.map((u) => (u.firstProgressAt ? u.firstProgressAt - u.clickAt : Infinity));
  const longests = seen.map((u) => u.longest);
  const first = Math.max(...firsts);
  const longest = Math.max(...longests); // 0: no task over 50 ms (the API reports no shorter ones)
  // The median too: on a shared machine one round's worst is mostly the neighbours' load.
  return `first progress median ${median(firsts).toFixed(0)} ms, at most ${first.toFixed(0)} ms after Verify; ` +
    `longest UI-thread task median ${longest < 0 ? 'n/a' : over50(median(longests))}, at most ${longest < 0 ? 'n/a' : over50(longest)} (${seen.length} runs)`;
}
const againMedian = median(runs.page.filter((r) => r.again).map((r) => r.again.ms));
const firstClickMedian = median(runs.page.map((r) => r.ui).filter((u) => u && u.verdictAt > 0).map((u) => u.verdictAt - u.clickAt));
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) ? (a / b).toFixed(2) : 'n/a');
const sec = (x) => (Number.isFinite(x) ? (x / 1000).toFixed(2) + ' s' : 'n/a');
const cliCpu = median(runs.cli.map((r) => r.cpuMs).filter(Number.isFinite));
const lines = [
  `Reelcheck benchmark: ${big.certificate_count} certificates (${big.chip_count} chips), ${ROUNDS} rounds alternating, medians, ${os.cpus().length} cores`,
  `  manual pipeline (7zz x + batched openssl verify) ${sec(med.manual)}`,
  `  reelcheck verify --jobs 2                        ${sec(med.cli)}   peak RSS ${rss.toFixed(0)} MiB, CPU ${sec(cliCpu)}: wall / (CPU ÷ 2 cores) ${ratio(med.cli, cliCpu / 2)}`,
  `  reelcheck verify, the reel's bundle twice       ${sec(med.cli2)}   (${ratio(med.cli2, med.cli)}x one: one reel, verified once)`,
  `  the page (${pageRuns[0] ? pageRuns[0].timings.verifiers : '?'} verifier workers)                     ${sec(med.page)}   wasm heap peak ${Number.isFinite(heap) ? heap : 'n/a'} MiB`,
  `    phases: ${Object.entries(phaseMedians).map(([k, v]) => `${k} ${(v / 1000).toFixed(2)} s`).join(', ')}`,
  `    UI thread: ${uiSummary(runs.page)}`,
  `    the same reel again on the same page (V8 has compiled and optimised the core by then): Verify to verdict ${sec(againMedian)}` +
    ` against ${sec(firstClickMedian)} for the first run; again/CLI ${ratio(againMedian, med.cli)}`,
  ...(runs.settled.length ? [
    `  the page chosen ${SETTLE_MS / 1000} s after its anchors (a person's pace: the page's idle-time start is done)  ${sec(med.settled)}` +
      `; in its own clock ${sec(inPageMedian(runs.settled))}; settled/CLI ${ratio(med.settled, med.cli)} (in its own clock ${ratio(inPageMedian(runs.settled), med.cli)})`] : []),
  ...(runs.baseline.length ? [
    `  baseline page (${baselineDir})   ${sec(med.baseline)}   (this page: ${ratio(med.page, med.baseline)}x)`,
    `    phases: ${phaseMedianLine(runs.baseline)}`,
    `    UI thread: ${uiSummary(runs.baseline)}`] : []),
  `  comparison page (7z-wasm + @peculiar/x509)       ${sec(med.compare)}`,
  `  ratios: CLI/manual ${ratio(med.cli, med.manual)}, page/compare ${ratio(med.page, med.compare)}, page/CLI ${ratio(med.page, med.cli)}`,
  `  in the pages' own clock (file selection -> verdict painted, without the driver's round trips): page ${sec(inPageMedian(runs.page))}` +
    (runs.baseline.length ? `, baseline ${sec(inPageMedian(runs.baseline))}` : '') + `, comparison ${sec(inPageMedian(runs.compare))}; page/CLI ${ratio(inPageMedian(runs.page), med.cli)}, page/compare ${ratio(inPageMedian(runs.page), inPageMedian(runs.compare))}`,
  micro.ok
    ? `  wasm in Chromium, P-384 verification: engine ${micro.engine_us.toFixed(0)} µs, in one batch ${micro.batch_us.toFixed(0)} µs (${(micro.batch_us / micro.engine_us).toFixed(2)}x), mbedTLS ${micro.mbedtls_us.toFixed(0)} µs (${(micro.mbedtls_us / micro.engine_us).toFixed(1)}x), CA table ${micro.table_ms.toFixed(0)} ms, ${micro.count} signatures, verdicts agree: ${micro.agree}`
    : `  wasm micro-benchmark: ${micro.skipped || micro.message}`,
];
console.log('\n' + lines.join('\n'));
fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(path.join(outDir, 'results.json'), JSON.stringify({ when: new Date().toISOString(), rounds: ROUNDS, medians: med, inPageMedians: { page: inPageMedian(runs.page), baseline: inPageMedian(runs.baseline), compare: inPageMedian(runs.compare) }, phaseMedians, cliPeakRssMiB: rss, wasmHeapPeakMiB: heap, micro, runs }, null, 1));
