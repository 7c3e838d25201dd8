// The page reports its time per phase after a run, and verifies with one worker per core.
// (What the times are is measured by bench/run.sh; tests never assert on wall time.)
import { test, expect } from './fixtures.mjs';
import { verify, expectCounts, keyOf } from './helpers.mjs';

const PHASES = ['reading', 'decompressing', 'decrypting', 'verifying', 'reporting'];

test('after a run: a Timings line with every phase, one verifier worker per core', async ({ page }) => {
  await page.goto('index.html');
  await verify(page, 'clean_7z');
  await expectCounts(page, 'clean_7z', true);

  const line = page.locator('#timings');
  await expect(line).toBeVisible();
  for (const phase of PHASES) await expect(line).toContainText(new RegExp(`${phase} \\d+\\.\\d\\d s`));

  // The same figures for tools, once the workers have reported their heap sizes.
  await page.waitForFunction(() => window.__reelcheckTimings && window.__reelcheckTimings.wasmHeapMiB);
  const t = await page.evaluate(() => window.__reelcheckTimings);
  expect(Object.keys(t.phases).sort()).toEqual([...PHASES].sort());
  for (const phase of PHASES) expect(t.phases[phase]).toBeGreaterThanOrEqual(0);
  expect(t.certificates).toBe(60);
  expect(t.wasmHeapMiB.coordinator).toBeGreaterThan(0);
  expect(t.wasmHeapMiB.verifierMax).toBeGreaterThan(0);
  expect(JSON.parse(await line.getAttribute('data-timings'))).toEqual(t);

  // One verifier per core (bounded for many-core machines), plus the coordinator.
  const { cores, bound } = await page.evaluate(() => ({ cores: navigator.hardwareConcurrency, bound: window.ReelcheckEngine.MAX_VERIFIERS }));
  const expected = Math.max(1, Math.min(bound, cores));
  expect(t.verifiers).toBe(expected);
  expect(t.hardwareConcurrency).toBe(cores);
  expect(page.workers().length).toBe(expected + 1);

  // A second run reuses the same workers (their verifier tables are built once).
  await page.locator('#key-input').fill(keyOf('clean_7z')); // the page empties it after a run
  await page.locator('#verify-button').click();
  await expect(page.locator('#summary')).toBeVisible({ timeout: 60_000 });
  await expect(line).toBeVisible();
  expect(page.workers().length).toBe(expected + 1);
});
