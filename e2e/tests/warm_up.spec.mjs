// The verifiers are warmed up with the trust settings of the moment once a bundle is chosen
// (engine.warmUp). A warm-up that arrives while a run is under way, with other settings (files
// read a moment before Verify, then changed), must not reach the verifiers: they would verify
// the run's certificates against the wrong trust anchors.
import { test, expect } from '@playwright/test';
import { verify, expectCounts } from './helpers.mjs';

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
