// The verifiers are warmed up with the trust settings of the moment (engine.warmUp) once the
// page is idle after loading, and again whenever the files or the trust settings change. A
// warm-up that arrives while a run is under way, with other settings (files read a moment before
// Verify, then changed), must not reach the verifiers: they would verify the run's certificates
// against the wrong trust anchors. Settings replaced before their turn never reach them either.
import fs from 'node:fs';
import { test, expect } from './fixtures.mjs';
import { verify, expectCounts, trustFile } from './helpers.mjs';

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
