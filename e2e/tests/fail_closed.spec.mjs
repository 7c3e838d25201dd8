// Verdicts cross from the verifier workers to the coordinator as messages. A verifier that drops
// or damages a verdict must stop the run with a clear error: never a report that passes.
// The damage is done for real: the test appends a hook to the worker source as the page loads
// it, wrapping the verifier's `verify` handler (worker.js) to alter its answer in transit.
import { test, expect } from '@playwright/test';
import { verify } from './helpers.mjs';

// Runs inside each worker, after worker.js; `MODE` is replaced before injection.
function tamperVerdicts() {
  const original = handlers.verify;
  handlers.verify = async (msg) => {
    const answer = await original(msg);
    if (!answer.ok) return answer;
    const verdicts = JSON.parse(answer.verdicts);
    if ('MODE' === 'drop') verdicts.pop();
    if ('MODE' === 'strip-problems') for (const v of verdicts) delete v.problems;
    if ('MODE' === 'duplicate') verdicts[verdicts.length - 1] = verdicts[0];
    answer.verdicts = JSON.stringify(verdicts);
    return answer;
  };
}

async function injectTamper(page, mode) {
  const hook = `;(${tamperVerdicts.toString().replaceAll('MODE', mode)})();`;
  await page.route('**/worker-source.js', async (route) => {
    const response = await route.fetch();
    const body = (await response.text()) + `\nself.ReelcheckWorkerSource += ${JSON.stringify('\n' + hook)};\n`;
    await route.fulfill({ response, body });
  });
}

const cases = [
  ['drop', 'a verifier drops a verdict', /verification is incomplete/],
  ['strip-problems', 'a verifier loses the problems of its verdicts', /has no "problems" field/],
  ['duplicate', 'a verifier answers one certificate twice and another never', /verification is inconsistent: certificate \d+ was .*but its verdict is for/],
];

for (const [mode, title, message] of cases) {
  test(`fail closed: ${title}`, async ({ page }) => {
    await injectTamper(page, mode);
    await page.goto('index.html');
    // The tampered bundle: with its problems lost, its failed chips would read as OK.
    await verify(page, 'mixed', { waitFor: 'error' });
    await expect(page.locator('#error-detail')).toContainText(message);
    await expect(page.locator('#summary')).toBeHidden();
    await expect(page.locator('#chips-panel')).toBeHidden();
  });
}

test('fail closed: the same page without tampering verifies (the hook itself is harmless)', async ({ page }) => {
  await injectTamper(page, 'none');
  await page.goto('index.html');
  await verify(page, 'mixed');
  await expect(page.locator('#verdict-title')).toHaveText('Bundle failed verification');
});
