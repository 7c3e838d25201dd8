// What a user ran into on the page (issue 8), each on a fixture bundle: the trust-anchor hint for a
// test PKI, Cancel, plain words instead of codes, two copies of one reel, show/hide on the key,
// whole reasons in the table, lookup by a pasted UID, both lines of a duplicate key record.
import { test, onOnePage, expect } from './fixtures.mjs';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { entry, fx, holdVerification, keyOf, manifest, releaseVerification, root, trustFile, verify } from './helpers.mjs';

const cli = process.env.REELCHECK_CLI || path.join(root, 'build', 'release', 'native', 'reelcheck');

// The core's sentence for what is neither a chip ID nor a UID (look_up_chip; the CLI says it too).
const NOT_A_CHIP = 'Not a chip ID (20 hex digits) or a coprocessor UID (27 bytes, 54 hex digits, from data object 0xE0C2).';

// Files, key and check time as a user gives them; anchors only when asked for.
async function fillForm(page, files, key, { anchors = true } = {}) {
  await page.locator('#file-input').setInputFiles(files);
  await page.locator('#key-input').fill(key);
  await page.locator('#time-input').fill(manifest().check_time);
  if (anchors) await page.locator('#anchor-input').setInputFiles([trustFile()]);
}

onOnePage('a test PKI opened without its anchors: a hint towards Trust anchors, none once they are added', async ({ page }) => {
  await fillForm(page, entry('clean_7z').files.map(fx), keyOf('clean_7z'), { anchors: false });
  await page.locator('#verify-button').click();
  await expect(page.locator('#summary')).toBeVisible({ timeout: 100_000 });
  await expect(page.locator('#verdict-title')).toHaveText('Bundle failed verification');
  const hint = page.locator('#trust-hint');
  await expect(hint).toBeVisible();
  await expect(hint).toContainText('Is this a test PKI?');
  // The core's sentence (the CLI's too), naming the test PKI's two CAs.
  const sentence = await page.locator('#trust-hint-text').innerText();
  expect(sentence).toMatch(/^Every certificate fails because its issuer is not a trusted CA \('[^']+' and '[^']+'\)\. Is this a test PKI\?$/);
  // The hint leads to the anchors: opened, the file button focused.
  await page.locator('#trust-hint-open').click();
  await expect(page.locator('#anchors-details')).toHaveAttribute('open', '');
  await expect(page.locator('#anchor-input')).toBeFocused();

  await page.locator('#clear-button').click();
  await verify(page, 'clean_7z');
  await expect(page.locator('#verdict-title')).toHaveText('Bundle verified');
  await expect(hint).toBeHidden();

  // A reel that fails for other reasons gets no such hint.
  await page.locator('#clear-button').click();
  await verify(page, 'mixed');
  await expect(page.locator('#verdict-title')).toHaveText('Bundle failed verification');
  await expect(hint).toBeHidden();
});

test('Cancel during a run stops the workers and keeps the form, except the key', async ({ page }) => {
  // The run is held once it verifies (a fast machine would finish the reel before the click).
  const name = manifest().bundles.big ? 'big' : 'clean_7z';
  const e = entry(name);
  await holdVerification(page);
  await page.goto('index.html');
  await expect(page.locator('#cancel-button')).toBeHidden();
  await fillForm(page, e.files.map(fx), keyOf(name));
  await page.locator('#verify-button').click();
  await expect(page.locator('#cancel-button')).toBeVisible();
  await expect(page.locator('#ph-verifying-text')).toContainText(' of ', { timeout: 60_000 });
  await page.locator('#cancel-button').click();

  await expect(page.locator('#cancel-note')).toHaveText(/Verification cancelled\. The files and settings are kept/);
  await expect(page.locator('#cancel-button')).toBeHidden();
  await expect(page.locator('#progress-box')).toBeHidden();
  await expect(page.locator('#summary')).toBeHidden();
  await expect(page.locator('#verify-button')).toBeEnabled();
  await expect(page.locator('#verify-button')).toHaveText('Verify bundle');
  await expect(page.locator('#key-input')).toHaveValue('');
  await expect(page.locator('#key-input')).toBeFocused();
  await expect(page.locator('#file-list li')).toHaveCount(e.files.length);
  await expect(page.locator('#anchor-list li')).toHaveCount(1);
  await expect(page.locator('#time-input')).toHaveValue(manifest().check_time);
  // The workers are gone (their memory with the bundle and the key copy).
  expect(await page.evaluate(() => ({ coordinator: !!window.RC.app.engine.coordinator, verifiers: window.RC.app.engine.verifiers.length })))
    .toEqual({ coordinator: false, verifiers: 0 });
  // Nothing of the cancelled run comes back later.
  await page.waitForTimeout(1500);
  await expect(page.locator('#summary')).toBeHidden();
  await expect(page.locator('#error-box')).toBeHidden();

  // The kept form verifies again with the key entered anew (a small reel this time).
  await releaseVerification(page);
  await page.locator('#file-input').setInputFiles(entry('clean_7z').files.map(fx));
  await page.locator('#key-input').fill(keyOf('clean_7z'));
  await page.locator('#verify-button').click();
  await expect(page.locator('#verdict-title')).toHaveText('Bundle verified', { timeout: 100_000 });
  await expect(page.locator('#cancel-note')).toHaveText('');
});

onOnePage('plain words: errors and findings read as words, the codes stay in the export', async ({ page }) => {
  // "no_files" and "no_key" were shown as such.
  await page.locator('#verify-button').click();
  await expect(page.locator('#error-title')).toHaveText('No bundle chosen');
  await expect(page.locator('#error-box')).not.toContainText('no_files');
  await page.locator('#file-input').setInputFiles(entry('wrong_key').files.map(fx));
  await page.locator('#verify-button').click();
  await expect(page.locator('#error-title')).toHaveText('Transport key needed');
  await expect(page.locator('#error-box')).not.toContainText('no_key');
  // The wrong key: the core's message, without "wrong_key:".
  await page.locator('#key-input').fill('not the key');
  await page.locator('#verify-button').click();
  await expect(page.locator('#error-title')).toHaveText('Wrong transport key');
  await expect(page.locator('#error-box')).toHaveAttribute('data-code', 'wrong_key');
  await expect(page.locator('#error-box')).not.toContainText('wrong_key');

  // A tampered reel: no code in the findings, the table or the detail panel; the export has them.
  await page.locator('#clear-button').click();
  await verify(page, 'mixed');
  const codes = new Set();
  for (const f of JSON.parse(await page.evaluate(() => window.RC.app.engine.exportReport('json', false))).findings) codes.add(f.code);
  for (const c of Object.values(entry('mixed').expected.chips)) for (const r of c.reasons) codes.add(r);
  expect(codes.size).toBeGreaterThan(0);
  await page.locator('.grid-row').first().click();
  const read = await page.locator('#summary, #chips-panel, #findings-panel').allInnerTexts();
  for (const code of [...codes].filter((c) => c.includes('_'))) expect(read.join('\n'), code).not.toContain(code);
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-csv').click()]);
  const csv = await (await import('node:fs')).promises.readFile(await download.path(), 'utf8');
  expect([...codes].some((c) => csv.includes(c))).toBe(true);
});

onOnePage('the .7z and the .zip of one reel chosen together: one message, two copies of one reel, the CLI\'s report', async ({ page }, testInfo) => {
  const seven = entry('clean_7z');
  const zip = entry('clean_zip');
  await fillForm(page, [...seven.files, ...zip.files].map(fx), keyOf('clean_7z'));
  await page.locator('#verify-button').click();
  await expect(page.locator('#summary')).toBeVisible({ timeout: 100_000 });
  // The copies are the same reel: verified once, and said in one sentence.
  await expect(page.locator('#verdict-title')).toHaveText('Bundle verified');
  await expect(page.locator('#verdict-sub')).toContainText(
    `clean.7z and clean.zip are two copies of one reel ${seven.reel_id} (batch ${seven.batch_id}): the same 4 archives; verified once.`);
  await expect(page.locator('#verdict-sub')).not.toContainText('error finding');
  await expect(page.locator('#findings-body tr')).toHaveCount(1);
  await expect(page.locator('#findings-body tr[data-code="duplicate_bundle"] td.kind')).toHaveText('Two copies of one reel');
  await expect(page.locator('#c-ok')).toHaveText(String(seven.chip_count));

  // The CLI given the same two files agrees: one reel, verified once, the same report byte for
  // byte (tests/cli_test.cpp: CliReelGrouping.* checks the CLI's side on its own).
  test.skip(!fs.existsSync(cli), 'native CLI not built (build/release/native/reelcheck)');
  const out = testInfo.outputPath('cli.json');
  const run = spawnSync(cli, ['verify', ...seven.files.map(fx), ...zip.files.map(fx), '--key-file', fx(seven.key_file),
    '--trust', trustFile(), '--at', manifest().check_time, '--json', out], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  expect(run.stdout.match(/^Reel /gm)).toHaveLength(1);
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-json').click()]);
  const pageJson = fs.readFileSync(await download.path(), 'utf8');
  expect(pageJson === fs.readFileSync(out, 'utf8')).toBe(true);
});

// The files are sorted into reels by the core's rules, as the CLI sorts its arguments
// (group_inputs_by_reel): the page verifies one reel per run and says so when given two.
onOnePage('files of two reels chosen together: refused with the reels named, no report', async ({ page }) => {
  const a = entry('clean_7z');
  const b = entry('extra');
  expect(a.reel_id).not.toBe(b.reel_id);
  await fillForm(page, [...a.files, ...b.files].map(fx), keyOf('clean_7z'));
  await page.locator('#verify-button').click();
  await expect(page.locator('#error-box')).toBeVisible({ timeout: 100_000 });
  await expect(page.locator('#error-box')).toHaveAttribute('data-code', 'bad_input');
  await expect(page.locator('#error-box')).toContainText('these files hold 2 reels (clean.7z, extra.7z)');
  await expect(page.locator('#error-box')).toContainText('one reel at a time');
  await expect(page.locator('#summary')).toBeHidden();
});

// One inner archive on its own: the reel's report lists the archives that are missing, and the
// grouping says the archive came without its reel (stray_archive), as the CLI's report does,
// byte for byte.
onOnePage('one loose inner archive on its own: stray_archive, the CLI\'s report', async ({ page }, testInfo) => {
  const loose = entry('clean_loose');
  const one = loose.files.find((f) => f.endsWith('_E0E0_Certs.7z'));
  await fillForm(page, [fx(one)], keyOf('clean_loose'));
  await page.locator('#verify-button').click();
  await expect(page.locator('#summary')).toBeVisible({ timeout: 100_000 });
  await expect(page.locator('#findings-body tr[data-code="stray_archive"] td.kind')).toHaveText('Archive without its reel');
  test.skip(!fs.existsSync(cli), 'native CLI not built (build/release/native/reelcheck)');
  const out = testInfo.outputPath('cli.json');
  const run = spawnSync(cli, ['verify', fx(one), '--key-file', fx(loose.key_file), '--trust', trustFile(),
    '--at', manifest().check_time, '--json', out], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(1);
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-json').click()]);
  const pageJson = fs.readFileSync(await download.path(), 'utf8');
  expect(pageJson === fs.readFileSync(out, 'utf8')).toBe(true);
});

onOnePage('a folder\'s other files go to the core, which says they were ignored (ignored_input)', async ({ page }, testInfo) => {
  const loose = entry('clean_loose');
  const notes = testInfo.outputPath('notes.txt');
  fs.writeFileSync(notes, 'reel letter scanned on 2026-05-01\n');
  await fillForm(page, [...loose.files.map(fx), notes], keyOf('clean_loose'));
  await expect(page.locator('#file-list li')).toHaveCount(loose.files.length + 1);
  await page.locator('#verify-button').click();
  await expect(page.locator('#summary')).toBeVisible({ timeout: 100_000 });
  await expect(page.locator('#verdict-title')).toHaveText('Bundle verified');
  const row = page.locator('#findings-body tr[data-code="ignored_input"]');
  await expect(row).toHaveCount(1);
  await expect(row.locator('td.kind')).toHaveText('Not part of a bundle');
  await expect(row.locator('td.where')).toHaveText('notes.txt');
  await expect(row).toContainText('not an archive of a bundle; ignored');
});

onOnePage('a check time that is no UTC time: the core\'s bad_input and its sentence, the field marked', async ({ page }) => {
  await fillForm(page, entry('clean_7z').files.map(fx), keyOf('clean_7z'));
  await page.locator('#time-input').fill('next Tuesday');
  await page.locator('#verify-button').click();
  await expect(page.locator('#error-box')).toBeVisible();
  await expect(page.locator('#error-box')).toHaveAttribute('data-code', 'bad_input');
  await expect(page.locator('#error-title')).toHaveText('Cannot use this input');
  await expect(page.locator('#error-detail')).toHaveText('The check time "next Tuesday" is not an ISO 8601 UTC time like 2026-06-01T00:00:00Z.');
  await expect(page.locator('#time-input')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#summary')).toBeHidden();
});

onOnePage('show/hide on the key: a toggle button, and the key hidden again for the next run', async ({ page }) => {
  const key = keyOf('clean_7z').trim();
  const toggle = page.locator('#key-toggle');
  await page.locator('#key-input').fill(key);
  await expect(page.locator('#key-input')).toHaveAttribute('type', 'password');
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await toggle.click();
  await expect(page.locator('#key-input')).toHaveAttribute('type', 'text');
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await expect(toggle).toHaveText('Hide key');
  await expect(page.locator('#key-input')).toHaveValue(key);
  // The key is shown only in its own field.
  const elsewhere = await page.evaluate((k) => document.body.innerText.includes(k) ||
    [...document.querySelectorAll('input')].some((i) => i.id !== 'key-input' && i.value.includes(k)), key);
  expect(elsewhere).toBe(false);
  await toggle.click();
  await expect(page.locator('#key-input')).toHaveAttribute('type', 'password');

  await toggle.click();
  await page.locator('#file-input').setInputFiles(entry('clean_7z').files.map(fx));
  await page.locator('#time-input').fill(manifest().check_time);
  await page.locator('#anchor-input').setInputFiles([trustFile()]);
  await page.locator('#verify-button').click();
  await expect(page.locator('#summary')).toBeVisible({ timeout: 100_000 });
  await expect(page.locator('#key-input')).toHaveAttribute('type', 'password');
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
});

onOnePage('full reasons are readable: the cell holds them all, the active row shows them in full', async ({ page }) => {
  await verify(page, 'mixed');
  const report = JSON.parse(await page.evaluate(() => window.RC.app.engine.exportReport('json', false)));
  const text = (c) => c.reasons.map((r) => r.message).join('; ');
  const longest = report.chips.filter((c) => c.reasons.length).sort((a, b) => text(b).length - text(a).length)[0];
  const full = text(longest);
  const cell = page.locator(`.grid-row[data-chip-id="${longest.chip_id}"] .reason`);
  await expect(cell).toHaveText(full);
  await expect(cell).toHaveAttribute('title', full);
  // Too long for its cell, the reason is shown whole under the table for the row in focus.
  await cell.click();
  await expect(page.locator('#row-reason')).toHaveText('Chip ' + longest.chip_id + ': ' + full);
  const clipped = await page.locator('#row-reason').evaluate((el) => el.scrollWidth > el.clientWidth + 1);
  expect(clipped).toBe(false);
  const box = await page.locator('#row-reason').boundingBox();
  expect(box.height).toBeGreaterThan(0);
  // And reason by reason in the detail panel.
  for (const r of longest.reasons) await expect(page.locator('#detail-body ul.reasons').first()).toContainText(r.message);
});

onOnePage('lookup by pasted UID or chip ID: colons, spaces and 0x; unknown and malformed get a clear message', async ({ page }) => {
  const e = entry('clean_7z');
  const ids = Object.keys(e.expected.chips).sort();
  await verify(page, 'clean_7z');
  const find = async (text) => {
    await page.locator('#search-input').fill(text);
    await page.locator('#search-input').press('Enter');
  };

  // A UID as a reader prints it: 0x prefix, colon-separated bytes.
  const target = ids[7];
  const uid = ('1F2E3D4C5B6A79880A0B0C' + target + 'DEADBEEF0102').match(/../g);
  await find('0x' + uid.join(':'));
  await expect(page.locator('#detail-heading')).toHaveText('Chip ' + target);
  // The core's answer (look_up_chip), in the CLI's words.
  await expect(page.locator('#search-status')).toHaveText('Chip ' + target + ': ok.');
  await find(uid.map((b) => '0x' + b).join(' '));
  await expect(page.locator('#detail-heading')).toHaveText('Chip ' + target);
  // A chip ID, lower case, with spaces.
  await find(ids[2].toLowerCase().match(/.{1,4}/g).join(' '));
  await expect(page.locator('#detail-heading')).toHaveText('Chip ' + ids[2]);

  // A well-formed ID of a chip that is not on this reel.
  const stranger = 'FFFFFFFFFFFF00000000';
  expect(ids).not.toContain(stranger);
  await find(stranger);
  await expect(page.locator('#search-status')).toHaveText('Chip ' + stranger + ' is not in reel ' + e.reel_id + '.');
  await expect(page.locator('#chip-grid')).toHaveAttribute('aria-rowcount', '1');
  // Malformed: too short, and not hexadecimal.
  await find('0x1F2E3D');
  await expect(page.locator('#search-status')).toHaveText(NOT_A_CHIP + ' 0 chips contain 0x1F2E3D.');
  await find('chip twelve');
  await expect(page.locator('#search-status')).toHaveText(NOT_A_CHIP + ' 0 chips contain chip twelve.');
  // While a part of an ID is typed (no Enter), the rows that contain it, without the sentence.
  await page.locator('#search-input').fill(ids[3].slice(0, 12));
  await expect(page.locator('#search-status')).toHaveText(new RegExp('^\\d+ chips? contain ' + ids[3].slice(0, 12) + '\\.$'));
});

onOnePage('a duplicate key record names both lines and whether the keys differ', async ({ page }) => {
  const dup = entry('bad_key_lines').expected.findings.find((f) => f.code === 'duplicate_chip');
  await verify(page, 'bad_key_lines');
  const row = page.locator('#findings-body tr[data-code="duplicate_chip"]');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(`${dup.file}:${dup.line}`);
  await expect(row).toContainText(new RegExp(`chip ${dup.chip_id} appears on line \\d+ and again on line ${dup.line} with (the same|a different) key; the first record \\(line \\d+\\) is kept`));
  await expect(row.locator('td.kind')).toHaveText('Chip listed twice in a key file');
});
