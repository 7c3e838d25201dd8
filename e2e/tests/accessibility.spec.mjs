// The page for everyone: axe-core finds no serious or critical violation in any state, the whole
// flow works with the keyboard alone, and the focused control always shows its ring.
import { test, expect } from './fixtures.mjs';
import AxeBuilder from '@axe-core/playwright';
import fs from 'node:fs';
import { entry, fx, holdVerification, keyOf, manifest, releaseVerification, trustFile, verify } from './helpers.mjs';

// Serious and critical violations of WCAG 2.1 A/AA (and axe's best practices), with enough
// detail in the failure message to find the element. Legacy mode: axe runs in the page itself;
// otherwise each pass opens a blank page of its own to gather the frames' results (2.0 CPU-s a
// pass on the start view against 0.85), which only pages with cross-origin frames need, and this
// page has no frame (the test checks).
async function seriousViolations(page) {
  expect(page.frames(), 'the page has no frame, which legacy mode would not look into').toHaveLength(1);
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .setLegacyMode(true)
    .analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('axe: no serious or critical violations on the start view, the result view and an error', async ({ page }) => {
  await holdVerification(page, { now: false });
  await page.goto('index.html');
  expect(await seriousViolations(page), 'start view').toEqual([]);

  // A result with failed chips: summary, table, findings, export, and a chip's detail open.
  await verify(page, 'mixed');
  await page.locator('.grid-row').first().click();
  await expect(page.locator('#detail-heading')).toHaveText(/^Chip /);
  expect(await seriousViolations(page), 'result view with detail').toEqual([]);

  // During a run (the progress bars and Cancel): the run is held once it verifies, so there is
  // time to look however fast the machine is, whatever the reel's size; then Cancel.
  const during = 'clean_7z';
  await page.evaluate(() => { window.__holdVerify = true; });
  await page.locator('#clear-button').click();
  await page.locator('#file-input').setInputFiles(entry(during).files.map(fx));
  await page.locator('#key-input').fill(keyOf(during));
  await page.locator('#time-input').fill(manifest().check_time);
  await page.locator('#anchor-input').setInputFiles([trustFile()]);
  await page.locator('#verify-button').click();
  await expect(page.locator('#ph-verifying-text')).toContainText(' of ', { timeout: 60_000 });
  expect(await seriousViolations(page), 'during a run').toEqual([]);
  await page.locator('#cancel-button').click();
  await expect(page.locator('#cancel-note')).toContainText('cancelled');
  expect(await seriousViolations(page), 'after Cancel').toEqual([]);
  await releaseVerification(page);

  // An error.
  await page.locator('#clear-button').click();
  await verify(page, 'wrong_key', { key: 'not the key', waitFor: 'error' });
  expect(await seriousViolations(page), 'error shown').toEqual([]);
});

// Presses Tab until `selector` has the focus (at most `max` times); fails otherwise.
async function tabTo(page, selector, { max = 60, back = false } = {}) {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => document.activeElement && document.activeElement.matches(s), selector)) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`${selector} not reached with ${back ? 'Shift+' : ''}Tab`);
}

// The outline of an element as drawn now.
const outlineOf = (page, selector) => page.locator(selector).evaluate((el) => {
  const s = getComputedStyle(el);
  return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
});
const ringed = (o) => o.style !== 'none' && o.width >= 2;

// Chooses files through the focused file input, as Space on it opens the browser's chooser.
async function chooseWithKeyboard(page, files) {
  // Chromium drops a chooser request that arrives while the previous chooser is still being
  // torn down; a person presses again, and so does the test (Enter activates a file input too).
  let chooser = null;
  for (const key of ['Space', 'Enter', 'Space']) {
    try {
      [chooser] = await Promise.all([page.waitForEvent('filechooser', { timeout: 10_000 }), page.keyboard.press(key)]);
      break;
    } catch (e) {
      if (key === 'Space' && chooser === null && e.name !== 'TimeoutError') throw e;
    }
  }
  if (!chooser) throw new Error('the focused file input opened no file chooser');
  await chooser.setFiles(files);
}

test('focus is visible on the focused control, the file buttons included', async ({ page }) => {
  await page.goto('index.html');
  // Each hidden file input's own label gets the ring, and only that one.
  const pairs = [['#file-input', 'label[for="file-input"]', 'label[for="folder-input"]'],
    ['#folder-input', 'label[for="folder-input"]', 'label[for="file-input"]']];
  for (const [input, own, other] of pairs) {
    await tabTo(page, input);
    expect(ringed(await outlineOf(page, own)), `${own} ringed when ${input} has the focus`).toBe(true);
    expect(ringed(await outlineOf(page, other)), `${other} not ringed when ${input} has the focus`).toBe(false);
  }
  // The anchors' button, not the list after it.
  await tabTo(page, '#anchors-details summary');
  await page.keyboard.press('Enter');
  await tabTo(page, '#anchor-input');
  expect(ringed(await outlineOf(page, 'label[for="anchor-input"]'))).toBe(true);
  expect(ringed(await outlineOf(page, '#anchor-list'))).toBe(false);
  // Every other control reached by Tab in the form draws its own ring.
  for (const selector of ['#key-input', '#key-toggle', '#time-input', '#time-now', '#anchors-only', '#verify-button', '#clear-button']) {
    await tabTo(page, selector);
    expect(ringed(await outlineOf(page, selector)), selector).toBe(true);
  }
});

test('the whole flow with the keyboard alone: files, key, anchors, Verify, table, detail, export', async ({ page }) => {
  const name = 'mixed';
  const e = entry(name);
  await page.goto('index.html');

  await tabTo(page, '#file-input');
  await chooseWithKeyboard(page, e.files.map(fx));
  await expect(page.locator('#file-list li')).toHaveCount(e.files.length);

  await tabTo(page, '#key-input');
  await page.keyboard.type(keyOf(name).trim());
  // Show the key to check it, then hide it again.
  await tabTo(page, '#key-toggle');
  await page.keyboard.press('Space');
  await expect(page.locator('#key-toggle')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('#key-input')).toHaveAttribute('type', 'text');
  await page.keyboard.press('Enter');
  await expect(page.locator('#key-input')).toHaveAttribute('type', 'password');

  await tabTo(page, '#time-input');
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(manifest().check_time);

  await tabTo(page, '#anchors-details summary');
  await page.keyboard.press('Enter');
  await tabTo(page, '#anchor-input');
  await chooseWithKeyboard(page, [trustFile()]);
  await expect(page.locator('#anchor-list li')).toHaveCount(1);

  await tabTo(page, '#verify-button');
  await page.keyboard.press('Enter');
  await expect(page.locator('#summary')).toBeVisible({ timeout: 100_000 });
  await expect(page.locator('#verdict-title')).toHaveText('Bundle failed verification');

  // The table: the failed chips are listed first; arrows move, Enter opens.
  const failed = Object.entries(e.expected.chips).filter(([, c]) => c.status === 'failed').map(([id]) => id).sort();
  await tabTo(page, '#chip-grid');
  await page.keyboard.press('End');
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowDown');
  const active = await page.locator('#chip-grid').getAttribute('aria-activedescendant');
  const activeId = await page.locator('#' + active).getAttribute('data-chip-id');
  expect(failed).toContain(activeId);
  // The active row's reasons in full under the table.
  await expect(page.locator('#row-reason')).toContainText('Chip ' + activeId + ': ');
  await page.keyboard.press('Enter');
  await expect(page.locator('#detail-heading')).toHaveText('Chip ' + activeId);
  await expect(page.locator('[data-testid="detail-status"]')).toHaveText('Failed');

  // Lookup by a pasted UID, from the keyboard.
  await tabTo(page, '#search-input', { back: true });
  const target = failed[0];
  await page.keyboard.type('0x1F2E3D4C5B6A79880A0B0C' + target + 'DEADBEEF0102');
  await page.keyboard.press('Enter');
  await expect(page.locator('#detail-heading')).toHaveText('Chip ' + target);

  // Export.
  await tabTo(page, '#export-json');
  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  const json = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
  expect(json.reel_id).toBe(e.reel_id);
  expect(json.counts.failed).toBe(e.expected.counts.failed);
});
