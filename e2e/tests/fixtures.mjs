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

// A `test` whose tests share one page (per call and test worker process) instead of opening one
// each: a page's context, load and compile of the core cost about 1.2 CPU-s (2026-12-04), more
// than most such tests themselves. `setUp(page)` runs once before the page loads (a worker hook,
// say); each test starts from the page reset as a user resets it (Clear). A test that fails
// ends its worker process, so the tests after it get a new page.
export function testOnOnePage(setUp) {
  return test.extend({
    onePage: [async ({ browser }, use, workerInfo) => {
      const { baseURL, viewport, acceptDownloads } = workerInfo.project.use;
      const context = await browser.newContext({ baseURL, viewport, acceptDownloads });
      const page = await context.newPage();
      await setUp(page);
      await page.goto('index.html');
      await use(page);
      await context.close();
    }, { scope: 'worker' }],
    page: async ({ onePage }, use) => {
      await onePage.locator('#clear-button').click();
      await use(onePage);
    },
  });
}

// For tests that need nothing but the page: one page for all of them (per test worker process).
export const onOnePage = testOnOnePage(() => {});
export { expect };
