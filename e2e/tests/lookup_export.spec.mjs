// Finding one chip, revealing its secrets on purpose, exporting what the CLI would write.
import { test, onOnePage, expect } from './fixtures.mjs';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { entry, verify, shot, fx, manifest, trustFile, expectedSecrets, root } from './helpers.mjs';

const cli = process.env.REELCHECK_CLI || path.join(root, 'build', 'release', 'native', 'reelcheck');

onOnePage('lookup by chip ID and by 27-byte UID opens the right detail; secrets stay masked until revealed', async ({ page }, testInfo) => {
  const e = entry('clean_7z');
  const ids = Object.keys(e.expected.chips).sort();
  await verify(page, 'clean_7z');

  // By chip ID, typed in lower case.
  const byId = ids[5];
  await page.locator('#search-input').fill(byId.toLowerCase());
  await page.locator('#search-input').press('Enter');
  await expect(page.locator('#detail-heading')).toHaveText('Chip ' + byId);
  await expect(page.locator('#chip-grid')).toHaveAttribute('aria-rowcount', '2');

  // By UID: 11 arbitrary bytes || chip ID || 6 arbitrary bytes, spaced like a reader prints it.
  const target = ids[11];
  const uidHex = '1F2E3D4C5B6A79880A0B0C' + target + 'DEADBEEF0102';
  const uid = uidHex.match(/../g).join(' ');
  await page.locator('#search-input').fill(uid);
  await page.locator('#search-input').press('Enter');
  await expect(page.locator('#detail-heading')).toHaveText('Chip ' + target);
  await expect(page.locator('#search-status')).toHaveText('Chip ' + target + ': ok.');
  // The manifest's sample UID too.
  await page.locator('#search-input').fill(e.sample_uid.uid);
  await page.locator('#search-input').press('Enter');
  await expect(page.locator('#detail-heading')).toHaveText('Chip ' + e.sample_uid.chip_id);

  // Secrets: masked, revealed only on request, the right values, hidden again.
  const secrets = expectedSecrets('clean_7z').get(e.sample_uid.chip_id);
  const pbs = page.locator('[data-testid="secret-pbs"]');
  await expect(pbs).toContainText('masked');
  expect(await page.locator('body').innerText()).not.toContain(secrets.pbs);
  await page.locator('[data-secret="pbs"] button').click();
  await expect(pbs).toHaveText(secrets.pbs);
  await page.locator('[data-secret="auth"] button').click();
  await expect(page.locator('[data-testid="secret-auth"]')).toHaveText(secrets.auth);
  await shot(page, testInfo, '07-lookup-uid-revealed');
  await page.locator('[data-secret="pbs"] button').click();
  await expect(pbs).toContainText('masked');
});

onOnePage('exported JSON equals the CLI report; CSV has one row per chip; secrets only when ticked', async ({ page }, testInfo) => {
  test.skip(!fs.existsSync(cli), 'native CLI not built (build/release/native/reelcheck)');
  const name = 'mixed';
  const e = entry(name);
  const out = testInfo.outputPath('cli.json');
  const run = spawnSync(cli, ['verify', fx(e.files[0]), '--key-file', fx(e.key_file), '--trust', trustFile(),
    '--at', manifest().check_time, '--json', out], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  // Exit code 1 = findings (the planted failures of "mixed"); anything else is a problem.
  expect(run.status, run.stderr).toBe(1);
  const cliJson = fs.readFileSync(out, 'utf8');

  await verify(page, name);
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-json').click()]);
  const pageJson = fs.readFileSync(await download.path(), 'utf8');
  expect(pageJson.length).toBe(cliJson.length);
  expect(pageJson === cliJson).toBe(true);
  expect(JSON.parse(pageJson).secrets_included).toBe(false);

  const [csvDl] = await Promise.all([page.waitForEvent('download'), page.locator('#export-csv').click()]);
  const csv = fs.readFileSync(await csvDl.path(), 'utf8').trim().split(/\r?\n/);
  expect(csv.length).toBe(1 + e.chip_count);
  const ids = Object.keys(e.expected.chips);
  const firstColumn = csv.slice(1).map((l) => l.split(',')[0]);
  expect(firstColumn.sort()).toEqual(ids.sort());
  const someSecret = expectedSecrets(name).values().next().value.pbs;
  expect(csv.join('\n')).not.toContain(someSecret);

  // With secrets: a warning first, then the values are in both exports.
  await expect(page.locator('#secrets-warning')).toBeHidden();
  await page.locator('#include-secrets').check();
  await expect(page.locator('#secrets-warning')).toBeVisible();
  await shot(page, testInfo, '08-export-with-secrets-warning');
  const [jsonS] = await Promise.all([page.waitForEvent('download'), page.locator('#export-json').click()]);
  const withSecrets = fs.readFileSync(await jsonS.path(), 'utf8');
  expect(JSON.parse(withSecrets).secrets_included).toBe(true);
  expect(withSecrets).toContain(someSecret);
  // The page adds the values to a copy of the report it keeps; the CLI builds its report with
  // them: the same bytes.
  const outS = testInfo.outputPath('cli-secrets.json');
  const runS = spawnSync(cli, ['verify', fx(e.files[0]), '--key-file', fx(e.key_file), '--trust', trustFile(),
    '--at', manifest().check_time, '--include-secrets', '--json', outS], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  expect(runS.status, runS.stderr).toBe(1);
  expect(withSecrets === fs.readFileSync(outS, 'utf8')).toBe(true);
  const [csvS] = await Promise.all([page.waitForEvent('download'), page.locator('#export-csv').click()]);
  expect(fs.readFileSync(await csvS.path(), 'utf8')).toContain(someSecret);
});
