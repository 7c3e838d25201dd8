// A full reel (4,100 chips + extras, ~12,500 certificates): progress moves and the page stays
// usable while the workers verify; the table scrolls through every chip.
import { test, expect } from './fixtures.mjs';
import { manifest, verify, expectCounts, shot } from './helpers.mjs';

test('4,100-chip reel: progress moves, an input stays responsive, every chip listed', async ({ page }, testInfo) => {
  test.skip(!manifest().bundles.big, 'the big fixture is made only in the full fixture run');
  test.setTimeout(300_000);
  await page.goto('index.html');
  // The verifying bar is sampled by the page itself every 10 ms, from before Verify to the
  // verdict: a sampler in the test process, between keystrokes, could see the bar only at 0 and
  // at its end on a fast machine. Intervals only run when the UI thread is free, so the samples
  // also show it stayed free during the run.
  await page.evaluate(() => {
    window.__samples = [];
    const bar = document.getElementById('ph-verifying');
    window.__sampler = setInterval(() => window.__samples.push(bar.value), 10);
  });
  const run = verify(page, 'big');
  const bar = page.locator('#ph-verifying');
  await expect.poll(() => bar.evaluate((b) => b.value), { timeout: 120_000, intervals: [100] }).toBeGreaterThan(0);
  // Keystrokes land while the workers verify.
  const field = page.locator('#time-input');
  const original = await field.inputValue();
  for (let i = 0; i < 6; i++) {
    if (await page.locator('#summary').isVisible()) break;
    await field.press('End');
    await field.type('x');
    await expect(field).toHaveValue(original + 'x');
    await field.press('Backspace');
    if (i === 1) await shot(page, testInfo, '11-big-reel-progress');
    await page.waitForTimeout(100);
  }
  await run;
  await expectCounts(page, 'big');
  const samples = await page.evaluate(() => { clearInterval(window.__sampler); return window.__samples; });
  const total = manifest().bundles.big.certificate_count;
  const between = new Set(samples.filter((v) => v > 0 && v < total));
  testInfo.annotations.push({ type: 'progress', description: `${samples.length} samples, ${between.size} values between 0 and ${total}` });
  // Progress moved through values between nothing and everything, not in one jump.
  expect(between.size).toBeGreaterThan(1);

  // The virtualised table holds every chip and scrolls to the end.
  await page.locator('#status-filter label', { hasText: 'All' }).click();
  const chips = manifest().bundles.big.chip_count;
  await expect(page.locator('#chip-grid')).toHaveAttribute('aria-rowcount', String(chips + 1));
  expect(await page.locator('.grid-row').count()).toBeLessThan(100);
  await page.locator('#chip-grid').focus();
  await page.keyboard.press('End');
  const lastId = Object.keys(manifest().bundles.big.expected.chips).sort().at(-1);
  await expect(page.locator(`.grid-row[data-chip-id="${lastId}"]`)).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page.locator('#detail-heading')).toHaveText('Chip ' + lastId);
  await shot(page, testInfo, '12-big-reel-result');
});
