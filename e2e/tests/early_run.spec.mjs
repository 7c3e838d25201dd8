// The run begins when the bundle is chosen (engine.begin): the certificates are unpacked and
// verified while the user types the key, and Verify hands the key over for the keys archive.
// Nothing of it may show before Verify, the key may reach the coordinator only with `decrypt`,
// and a setting changed after the bundle was chosen must be the one the report is made under.
import { test, expect } from './fixtures.mjs';
import { entry, expectCounts, fx, keyOf, manifest, trustFile } from './helpers.mjs';

// Records every request the page posts to a worker: its type, and whether it carried a key.
async function recordRequests(page) {
  await page.addInitScript(() => {
    window.__requests = [];
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (message, transfer) {
      if (message && typeof message.type === 'string') {
        window.__requests.push({ type: message.type, hasKey: 'key' in message,
          keyLength: message.key instanceof Uint8Array ? message.key.length : null });
      }
      return post.call(this, message, transfer);
    };
  });
}

// The form as a person fills it when the anchors and the time come first: the bundle last.
async function fillThenChoose(page, name, { checkTime } = {}) {
  if (checkTime !== undefined) await page.locator('#time-input').fill(checkTime);
  await page.locator('#anchors-details summary').click();
  await page.locator('#anchor-input').setInputFiles([trustFile()]);
  await page.locator('#key-input').fill(keyOf(name));
  await page.locator('#file-input').setInputFiles(entry(name).files.map(fx));
}

// Until the run begun at the choice has verified certificates (before any Verify).
async function waitForEarlyVerification(page) {
  await expect.poll(() => page.evaluate(() => {
    const early = window.RC.app.engine.early;
    return !!early && early.seen.some((p) => p.phase === 'verifying' && p.done > 0);
  }), { timeout: 60_000 }).toBe(true);
}

const requests = (page) => page.evaluate(() => window.__requests);

test('the run begins when the bundle is chosen; Verify hands the key over and gets the full report', async ({ page }) => {
  await recordRequests(page);
  await page.goto('index.html');
  await fillThenChoose(page, 'clean_7z', { checkTime: manifest().check_time });
  await waitForEarlyVerification(page);
  // Before Verify: certificates verified, but no key sent and nothing shown.
  let posted = await requests(page);
  expect(posted.filter((r) => r.type === 'verify').length).toBeGreaterThan(0);
  expect(posted.filter((r) => r.type === 'decrypt')).toEqual([]);
  await expect(page.locator('#progress-box')).toBeHidden();
  await expect(page.locator('#summary')).toBeHidden();

  await page.locator('#verify-button').click();
  await expect(page.locator('#summary')).toBeVisible({ timeout: 100_000 });
  await expectCounts(page, 'clean_7z', true);
  await expect(page.locator('#s-time')).toHaveText(manifest().check_time);
  const timings = await page.evaluate(() => window.__reelcheckTimings);
  expect(timings.begunBeforeVerify).toBeGreaterThan(0);
  // One run, taken over at Verify: one open, without a key; the key only in the one decrypt.
  posted = await requests(page);
  const opens = posted.filter((r) => r.type === 'open');
  expect(opens).toHaveLength(1);
  expect(opens[0].hasKey).toBe(false);
  expect(posted.filter((r) => r.type === 'decrypt')).toEqual([{ type: 'decrypt', hasKey: true, keyLength: keyOf('clean_7z').length }]);
  expect(posted.filter((r) => r.type !== 'decrypt' && r.hasKey)).toEqual([]);
  await expect(page.locator('#key-input')).toHaveValue('');
});

test('a check time changed after the bundle was chosen: the run begins again, and the report is made at the new time', async ({ page }) => {
  await recordRequests(page);
  await page.goto('index.html');
  await fillThenChoose(page, 'clean_7z', { checkTime: manifest().check_time });
  await waitForEarlyVerification(page);
  // 2023: before the test devices' certificates begin. Verdicts reached at the first time
  // would read as verified.
  await page.locator('#time-input').fill('2023-03-01T00:00:00Z');
  await page.locator('#time-input').blur();
  await page.locator('#verify-button').click();
  await expect(page.locator('#summary')).toBeVisible({ timeout: 100_000 });
  await expect(page.locator('#s-time')).toHaveText('2023-03-01T00:00:00Z');
  await expect(page.locator('#verdict-title')).toHaveText('Bundle failed verification');
  const opens = (await requests(page)).filter((r) => r.type === 'open');
  expect(opens.length).toBeGreaterThanOrEqual(2);
});

test('trust anchors added after the bundle was chosen: the report is made under them', async ({ page }) => {
  await page.goto('index.html');
  // The built-in anchors only, at first: the run begun at the choice finds the fixtures' test
  // PKI untrusted. Its verdicts, if they were used, would fail the bundle.
  await page.locator('#time-input').fill(manifest().check_time);
  await page.locator('#key-input').fill(keyOf('clean_7z'));
  await page.locator('#file-input').setInputFiles(entry('clean_7z').files.map(fx));
  await waitForEarlyVerification(page);
  await page.locator('#anchors-details summary').click();
  await page.locator('#anchor-input').setInputFiles([trustFile()]);
  await page.locator('#verify-button').click();
  await expect(page.locator('#summary')).toBeVisible({ timeout: 100_000 });
  await expect(page.locator('#verdict-title')).toHaveText('Bundle verified');
  await expectCounts(page, 'clean_7z', true);
});

test('a check time the user did not type is the moment the bundle was chosen, when Verify comes within 5 minutes', async ({ page }) => {
  const chosenAt = manifest().check_time;
  await page.clock.setFixedTime(new Date(chosenAt));
  await page.goto('index.html');
  await fillThenChoose(page, 'clean_7z');
  await waitForEarlyVerification(page);
  // Verify 2 minutes later: the run begun at the choice goes on, at its time.
  await page.clock.setFixedTime(new Date(Date.parse(chosenAt) + 120_000));
  await page.locator('#verify-button').click();
  await expect(page.locator('#summary')).toBeVisible({ timeout: 100_000 });
  await expect(page.locator('#s-time')).toHaveText(chosenAt);
  expect((await page.evaluate(() => window.__reelcheckTimings)).begunBeforeVerify).toBeGreaterThan(0);
});
