// A full reel (4,100 chips + extras, ~12,500 certificates): progress moves and the page stays
// usable while the workers verify; the table scrolls through every chip.
import { test, expect } from '@playwright/test';
import { manifest, verify, expectCounts, shot } from './helpers.mjs';

test('4,100-chip reel: progress moves, an input stays responsive, every chip listed', async ({ page }, testInfo) => {
  test.skip(!manifest().bundles.big, 'the big fixture is made only in the full fixture run');
  test.setTimeout(300_000);
  await page.goto('index.html');
  // No clocks here: how long the run took and how long the UI thread was busy are measured by
  // bench/run.sh (first progress, longest task); this test checks what happens, not how fast.
  const run = verify(page, 'big');
  // Sample the verification progress while typing into an input.
  const bar = page.locator('#ph-verifying');
  await expect.poll(() => bar.evaluate((b) => b.value), { timeout: 120_000, intervals: [100] }).toBeGreaterThan(0);
  // The first value seen counts too: the page verifies the reel in a second or two, so by the
  // next sample it may be done (then the samples are that first value and the total).
  const samples = [await bar.evaluate((b) => b.value)];
  const field = page.locator('#time-input');
  const original = await field.inputValue();
  for (let i = 0; i < 6; i++) {
    await field.press('End');
    await field.type('x');
    await expect(field).toHaveValue(original + 'x');
    await field.press('Backspace');
    samples.push(await bar.evaluate((b) => b.value));
    if (await page.locator('#summary').isVisible()) break;
    if (i === 1) await shot(page, testInfo, '11-big-reel-progress');
    await page.waitForTimeout(100);
  }
  await run;
  await expectCounts(page, 'big');
  testInfo.annotations.push({ type: 'progress', description: `progress samples ${samples.join(', ')}` });
  // Progress moved while we typed (each keystroke landed: checked above).
  expect(new Set(samples).size).toBeGreaterThan(1);

  // The virtualised table holds every chip and scrolls to the end.
  await page.locator('#status-filter label', { hasText: 'All' }).click();
  const total = manifest().bundles.big.chip_count;
  await expect(page.locator('#chip-grid')).toHaveAttribute('aria-rowcount', String(total + 1));
  expect(await page.locator('.grid-row').count()).toBeLessThan(100);
  await page.locator('#chip-grid').focus();
  await page.keyboard.press('End');
  const lastId = Object.keys(manifest().bundles.big.expected.chips).sort().at(-1);
  await expect(page.locator(`.grid-row[data-chip-id="${lastId}"]`)).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page.locator('#detail-heading')).toHaveText('Chip ' + lastId);
  await shot(page, testInfo, '12-big-reel-result');
});
