// The Chromium features our headless browsers turn off, for the Playwright suite
// (e2e/global-setup.mjs) and the benchmark (bench/bench.mjs).
//
// Chromium preloads its WebUI omnibox popup in a renderer of its own for every window, and every
// Playwright context is a window: in the suite that renderer cost about 0.8 CPU-seconds per test
// (a third of the browser's CPU); in the benchmark it loaded beside the page's first run and took
// 0.25-0.4 s of the 2 cores' CPU. A headless page never opens the omnibox, and a person's window
// has the popup loaded long before they open the page.
export const PRELOADED_BROWSER_UI = ['WebUIOmniboxPopup', 'WebUIOmniboxFullPopup', 'WebUIOmniboxAimPopup'];

// Chromium honours only the last --disable-features switch, and Playwright passes its own list
// (features that would make requests or change behaviour under test): a second switch would
// silently drop that list. So read the list from a browser Playwright starts (`chromium` is
// Playwright's launcher, from @playwright/test or playwright-core) and return the union, the
// value for one --disable-features switch.
export async function disabledFeatures(chromium, launchOptions = {}) {
  const server = await chromium.launchServer({ ...launchOptions, headless: true });
  try {
    const own = server.process().spawnargs
      .filter((a) => a.startsWith('--disable-features='))
      .flatMap((a) => a.slice('--disable-features='.length).split(','))
      .filter(Boolean);
    if (own.length === 0) throw new Error('Playwright passed Chromium no --disable-features list: cannot merge ours into it');
    return [...new Set([...own, ...PRELOADED_BROWSER_UI])].join(',');
  } finally {
    await server.close();
  }
}
