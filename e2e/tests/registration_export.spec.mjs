// Registration files for the cloud from the page: one ZIP per format, written by the core,
// holding the same files as `reelcheck export` for the same bundle, check time and options.
import { test, onOnePage, expect } from './fixtures.mjs';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { entry, verify, fx, manifest, trustFile, root } from './helpers.mjs';

const cli = process.env.REELCHECK_CLI || path.join(root, 'build', 'release', 'native', 'reelcheck');

// The ZIP's entries, read by the real 7-Zip (not by code of ours): name -> bytes.
function unzip(zipPath, dir) {
  const run = spawnSync('7zz', ['x', '-y', '-bd', '-o' + dir, zipPath], { encoding: 'utf8' });
  expect(run.status, run.stdout + run.stderr).toBe(0);
  return listFiles(dir);
}
function listFiles(dir, prefix = '') {
  const out = new Map();
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix + d.name;
    if (d.isDirectory()) for (const [k, v] of listFiles(path.join(dir, d.name), rel + '/')) out.set(k, v);
    else out.set(rel, fs.readFileSync(path.join(dir, d.name)));
  }
  return out;
}

for (const [format, slot] of [['aws-bulk', 'E0E0'], ['aws-cli', 'E0E2'], ['thingpress', 'E0E1']]) {
  onOnePage(`registration ${format} (${slot}): the page's ZIP holds exactly what reelcheck export writes`, async ({ page }, testInfo) => {
    test.skip(!fs.existsSync(cli), 'native CLI not built (build/release/native/reelcheck)');
    const name = 'mixed'; // failed chips that must stay out
    const e = entry(name);
    const cliDir = testInfo.outputPath('cli');
    const run = spawnSync(cli, ['export', fx(e.files[0]), '--key-file', fx(e.key_file), '--trust', trustFile(),
      '--at', manifest().check_time, '--format', format, '--slot', slot, '--out', cliDir, '--quiet'],
    { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    expect(run.status, run.stdout + run.stderr).toBe(1); // findings: the planted failures
    const want = listFiles(cliDir);

    await verify(page, name);
    await page.locator('#register-slot').selectOption(slot);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator(`[data-register="${format}"]`).click()]);
    expect(download.suggestedFilename()).toBe(`reelcheck-${e.reel_id}-${format}-${slot}.zip`);
    const got = unzip(await download.path(), testInfo.outputPath('page'));
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [file, bytes] of want) expect(got.get(file).equals(bytes), file).toBe(true);
    const okChips = Object.values(e.expected.chips).filter((c) => c.status === 'ok').length;
    await expect(page.locator('#register-status')).toContainText(`${okChips} chips exported`);
    // A failed chip's ID appears in no registration file, only in the manifest's left-out list.
    const failed = Object.entries(e.expected.chips).filter(([, c]) => c.status !== 'ok').map(([id]) => id);
    expect(failed.length).toBeGreaterThan(0);
    for (const [file, bytes] of got) {
      if (file === 'manifest.json') continue;
      for (const id of failed) expect(bytes.toString('latin1').includes(id), `${id} in ${file}`).toBe(false);
    }
  });
}
