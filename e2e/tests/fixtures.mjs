// The suite's `test`: Playwright's, plus a screenshot of the page when a test fails.
// Playwright's own `screenshot: 'only-on-failure'` photographs every page of every test before
// its context closes (it cannot know yet whether the test will fail) and throws the picture away
// when it passed: 0.13 CPU-s a test (2026-12-04). This takes one only after a failure.
import { test as base, expect } from '@playwright/test';

export const test = base.extend({
  failureScreenshot: [async ({ page }, use, testInfo) => {
    await use();
    if (testInfo.status === testInfo.expectedStatus) return;
    const file = testInfo.outputPath('test-failed.png');
    try {
      await page.screenshot({ path: file, fullPage: true, timeout: 10_000 });
      testInfo.attachments.push({ name: 'screenshot', path: file, contentType: 'image/png' });
    } catch {
      // A page that crashed or closed has no picture; the failure itself is reported.
    }
  }, { auto: true }],
});
export { expect };
