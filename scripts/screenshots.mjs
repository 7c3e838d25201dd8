// Screenshots of the real page for the README: drives build/web (opened from file://, as a user
// may) with fixture bundles from the test PKI and writes docs/screenshots/*.png.
// Run through scripts/screenshots.sh, which makes sure the page and the fixtures exist.
import { chromium } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const web = path.resolve(process.env.REELCHECK_WEB_DIR || path.join(root, 'build', 'web'));
const fixtures = path.resolve(process.env.REELCHECK_FIXTURES || path.join(root, 'build', 'fixtures'));
const out = path.resolve(process.env.REELCHECK_SCREENSHOTS || path.join(root, 'docs', 'screenshots'));
const manifest = JSON.parse(fs.readFileSync(path.join(fixtures, 'manifest.json'), 'utf8'));
const fx = (rel) => path.join(fixtures, rel);
const bundle = (name) => manifest.bundles[name];
const keyOf = (name) => fs.readFileSync(fx(bundle(name).key_file), 'utf8');

const browser = await chromium.launch({
  executablePath: process.env.REELCHECK_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--no-first-run', '--disable-dev-shm-usage'],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
await page.goto(pathToFileURL(path.join(web, 'index.html')).href);

async function run(name, { anchors = true } = {}) {
  await page.locator('#clear-button').click();
  await page.locator('#file-input').setInputFiles(bundle(name).files.map(fx));
  await page.locator('#key-input').fill(keyOf(name));
  await page.locator('#time-input').fill(manifest.check_time);
  if (anchors) await page.locator('#anchor-input').setInputFiles([fx(manifest.trust)]);
  await page.locator('#verify-button').click();
  await page.locator('#summary').waitFor({ state: 'visible', timeout: 120_000 });
}

// An element, or the window's view from the top when selector is null.
async function shoot(file, selector) {
  fs.mkdirSync(out, { recursive: true });
  const target = path.join(out, file);
  const options = { path: target, animations: 'disabled', caret: 'hide' };
  if (selector) {
    // At most one window high: the top of a long panel (a virtualised table is cut anyway).
    await page.locator(selector).evaluate((el) => el.scrollIntoView({ block: 'start' }));
    const box = await page.locator(selector).boundingBox();
    const view = page.viewportSize();
    await page.screenshot({ ...options, clip: { x: box.x, y: Math.max(0, box.y), width: box.width, height: Math.min(box.height, view.height - Math.max(0, box.y)) } });
  } else {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot(options);
  }
  const kib = fs.statSync(target).size / 1024;
  if (kib > 300) throw new Error(`${file} is ${kib.toFixed(0)} KiB (keep screenshots under 300 KiB)`);
  console.log(`${path.relative(root, target)}: ${kib.toFixed(0)} KiB`);
}

// 1. A tampered reel: the form, the verdict and counts, as the window shows them.
await run('mixed');
await page.locator('.grid-row').first().click();
await page.locator('#detail-heading').waitFor();
await shoot('result.png', null);
// 2. The chip table and its detail panel alone.
await shoot('chips.png', '#chips-panel');
// 3. The test PKI without its anchors: the hint towards Trust anchors.
await run('clean_7z', { anchors: false });
await shoot('test-pki-hint.png', '#status-panel');

await browser.close();
