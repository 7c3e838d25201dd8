// Nothing leaves the tab, nothing stays behind, and the page works straight from disk.
import { test, expect } from './fixtures.mjs';
import { entry, verify, expectCounts, shot, keyOf, fileUrl, recordRequests } from './helpers.mjs';

test('no network: only the page\'s own files are requested, the key appears nowhere; Clear leaves no storage', async ({ page, context, baseURL }, testInfo) => {
  const requests = recordRequests(context);
  const key = keyOf('clean_7z');
  await page.goto('index.html');
  await verify(page, 'clean_7z');
  await expectCounts(page, 'clean_7z', true);
  await page.locator('#search-input').fill(Object.keys(entry('clean_7z').expected.chips)[0]);
  await page.locator('#search-input').press('Enter');
  await page.locator('[data-secret="pbs"] button').click();
  await Promise.all([page.waitForEvent('download'), page.locator('#export-json').click()]);
  await Promise.all([page.waitForEvent('download'), page.locator('#export-csv').click()]);

  const origin = new URL(baseURL).origin;
  const allowed = new Set(['index.html', 'styles.css', 'app.js', 'worker-source.js'].map((f) => origin + '/' + f));
  expect(requests.length).toBeGreaterThan(0);
  for (const r of requests) {
    const ok = allowed.has(r.url) || r.url.startsWith('blob:' + origin + '/') || r.url.startsWith('data:');
    expect(ok, 'unexpected request ' + r.url).toBe(true);
    expect(r.url).not.toContain(key);
    expect(JSON.stringify(r.headers)).not.toContain(key);
    expect(r.body).not.toContain(key);
  }
  const external = requests.filter((r) => !r.url.startsWith(origin) && !r.url.startsWith('blob:') && !r.url.startsWith('data:'));
  expect(external).toEqual([]);

  await page.locator('#clear-button').click();
  await expect(page.locator('#key-input')).toHaveValue('');
  await expect(page.locator('#summary')).toBeHidden();
  await expect(page.locator('#chips-panel')).toBeHidden();
  await expect(page.locator('#file-list li')).toHaveCount(0);
  const storage = await page.evaluate(async () => ({
    local: localStorage.length,
    session: sessionStorage.length,
    idb: (await indexedDB.databases()).length,
    cookie: document.cookie,
  }));
  expect(storage).toEqual({ local: 0, session: 0, idb: 0, cookie: '' });
  expect(await context.cookies()).toEqual([]);
  await shot(page, testInfo, '09-after-clear');
});

test('works opened from file:// (workers and wasm without a server)', async ({ page }, testInfo) => {
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(fileUrl);
  await verify(page, 'clean_zip');
  await expectCounts(page, 'clean_zip', true);
  await page.locator('#search-input').fill(Object.keys(entry('clean_zip').expected.chips)[3]);
  await page.locator('#search-input').press('Enter');
  await expect(page.locator('#detail-heading')).toContainText('Chip ');
  await page.setViewportSize({ width: 420, height: 900 });
  await shot(page, testInfo, '10-file-url-narrow');
  expect(errors).toEqual([]);
});
