// The verifiers are warmed up with the trust settings of the moment (engine.warmUp) once the
// page is idle after loading, and again whenever the files or the trust settings change. A
// warm-up that arrives while a run is under way, with other settings (files read a moment before
// Verify, then changed), must not reach the verifiers: they would verify the run's certificates
// against the wrong trust anchors. Settings replaced before their turn never reach them either.
import fs from 'node:fs';
import { test, expect } from './fixtures.mjs';
import { verify, expectCounts, trustFile, entry, fx, keyOf, manifest } from './helpers.mjs';

test('the workers start and build their tables while the page is idle, before any file is chosen', async ({ page }) => {
  await page.goto('index.html');
  await expect.poll(() => page.evaluate(() => window.RC.app.engine.pool.key), { timeout: 30_000 }).toContain('defaults');
  const verifiers = await page.evaluate(() => window.RC.app.engine.verifierCount);
  expect(page.workers().length).toBe(verifiers + 1);
});

test('the coordinator runs its once-per-run code on made-up reels as it starts, and keeps nothing of them', async ({ page }) => {
  await page.goto('index.html');
  // wasm/coordinator_warm_up.hpp: 'done' only if the core's warm-up answered ok through the
  // protocol (a missing binding, a refused answer or an abort in the core would say otherwise).
  await expect.poll(() => page.evaluate(() => window.RC.app.engine.coordinatorWarmUp), { timeout: 30_000 }).toBe('done');
  // No session came of it: the coordinator has no bundle open, and the page shows no report.
  const answer = await page.evaluate(() => window.RC.app.engine.coordinator.call('report', {}));
  expect(answer).toMatchObject({ ok: false, error: { code: 'bad_input', message: 'No bundle is open.' } });
  await expect(page.locator('#summary')).toBeHidden();
});

test('trust settings replaced before their turn never reach the verifiers; the latest ones do', async ({ page }) => {
  await page.goto('index.html');
  const pem = [...fs.readFileSync(trustFile())];
  const r = await page.evaluate(async (pem) => {
    const engine = window.RC.app.engine;
    const pool = engine.pool;
    // The page's own warm-up (the built-in anchors) first.
    while (!pool.key) await new Promise((resolve) => setTimeout(resolve, 20));
    const posted = [];
    const { WorkerClient } = window.RCEngine;
    const call = WorkerClient.prototype.call;
    WorkerClient.prototype.call = function (type, message, ...rest) {
      if (type === 'initVerifier') posted.push(message.anchors.map((a) => a.name).join() + (message.useDefaults ? ' and the built-in ones' : ''));
      return call.call(this, type, message, ...rest);
    };
    const anchors = (name) => [{ name, bytes: new Uint8Array(pem).buffer }];
    const outcome = (p) => p.then(() => 'ready', (e) => e.code);
    const first = outcome(pool.init(anchors('first.pem'), true));
    const replaced = outcome(pool.init(anchors('replaced.pem'), false));
    const latest = outcome(pool.init(anchors('latest.pem'), false));
    const again = outcome(pool.init(anchors('latest.pem'), false)); // the one queued: no second post
    return { first: await first, replaced: await replaced, latest: await latest, again: await again, posted, key: pool.key, verifiers: engine.verifierCount };
  }, pem);
  expect(r).toMatchObject({ first: 'ready', replaced: 'cancelled', latest: 'ready', again: 'ready' });
  expect(r.posted).toEqual([...Array(r.verifiers).fill('first.pem and the built-in ones'), ...Array(r.verifiers).fill('latest.pem')]);
  expect(r.key).toContain('latest.pem');
});

test('a warm-up with other trust settings during a run does not change the run\'s trust', async ({ page }) => {
  await page.goto('index.html');
  // At the run's first "decompressing" progress (before the coordinator posts any certificate
  // slice), a stale warm-up that trusts only the built-in Infineon CAs: the fixtures' test PKI
  // would then be untrusted. The warm-up also pings the coordinator: it must not take over the
  // run's handler of the slices the coordinator posts from then on.
  await page.evaluate(() => {
    const engine = window.RC.app.engine;
    const run = engine.run.bind(engine);
    engine.run = (request) => run({
      ...request,
      onProgress: (p) => {
        if (p.phase === 'decompressing' && window.__staleWarmUpDuringRun === undefined) {
          window.__staleWarmUpDuringRun = engine.activeRuns;
          engine.warmUp({ anchors: [], useDefaults: true });
        }
        request.onProgress(p);
      },
    });
  });
  await verify(page, 'clean_7z');
  expect(await page.evaluate(() => window.__staleWarmUpDuringRun)).toBeGreaterThan(0);
  await expectCounts(page, 'clean_7z', true);
});

test('the results\' fonts are found while the page is idle, from a hidden copy of the panels that is laid out, removed at once, and changes nothing', async ({ page, browser }) => {
  // Every element added to <body> itself, as it was when the task that added it ended.
  await page.addInitScript(() => {
    window.__primers = [];
    new MutationObserver((records) => {
      for (const r of records) {
        if (r.target !== document.body) continue;
        for (const n of r.addedNodes) {
          if (n.nodeType !== 1 || !n.inert) continue;
          window.__primers.push({
            connected: n.isConnected, ariaHidden: n.getAttribute('aria-hidden'), chipRows: n.querySelectorAll('.grid-row').length,
            findingRows: n.querySelectorAll('td.where').length, ids: n.querySelectorAll('[id]').length,
            fields: n.querySelectorAll('input, select, textarea').length, hidden: n.querySelectorAll('[hidden]').length,
            marks: n.textContent.includes('✓') && n.textContent.includes('✗'),
          });
        }
      }
    }).observe(document, { childList: true, subtree: true });
  });
  await page.goto('index.html');
  const fields = () => page.evaluate(() => [...document.querySelectorAll('input, select')].map((f) => `${f.id || f.name}:${f.checked}:${f.value}`));
  const before = await fields();
  await expect.poll(() => page.evaluate(() => window.__primers.length), { timeout: 30_000 }).toBe(1);
  expect(await page.evaluate(() => window.__primers[0])).toEqual({
    connected: false, ariaHidden: 'true', chipRows: 1, findingRows: 1, ids: 0, fields: 0, hidden: 0, marks: true,
  });
  expect(await fields()).toEqual(before);
  await expect(page.locator('#summary')).toBeHidden();

  // Then no font is looked up from Verify to the verdict (Chromium's round trip to the browser
  // process for each font it has not seen yet).
  const e = entry('clean_7z');
  await page.locator('#file-input').setInputFiles(e.files.map(fx));
  await page.locator('#key-input').fill(keyOf('clean_7z'));
  await page.locator('#time-input').fill(manifest().check_time);
  await page.locator('#anchors-details summary').click();
  await page.locator('#anchor-input').setInputFiles([trustFile()]);
  await browser.startTracing(page, { categories: ['fonts'] });
  await page.locator('#verify-button').click();
  await expect(page.locator('#summary')).toBeVisible({ timeout: 60_000 });
  await expect(page.locator('#findings-panel')).toBeVisible();
  await page.waitForTimeout(200); // laid out and painted
  const trace = JSON.parse((await browser.stopTracing()).toString());
  const lookups = trace.traceEvents.filter((ev) => ev.name.startsWith('WebSandboxSupportLinux'));
  expect(lookups.length).toBe(0);
});
