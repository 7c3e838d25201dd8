// What the page benchmarks share: Debian's Chromium started as the benchmark starts it, and a
// local server for a built page. Not a test.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { disabledFeatures } from '../scripts/chromium_features.mjs';

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

// Chromium headless with the flags it needs as root here, without Playwright's list of features
// and the browser UI Chromium preloads in every window, which loaded beside the page's first run
// (scripts/chromium_features.mjs). REELCHECK_CHROMIUM: another Chromium;
// REELCHECK_BENCH_CHROMIUM_ARGS: more flags, space-separated (a diagnosis, say --js-flags=...).
export async function launchBenchChromium(chromium) {
  const env = process.env;
  const executablePath = env.REELCHECK_CHROMIUM || '/usr/bin/chromium';
  return chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--no-first-run', '--disable-dev-shm-usage',
      '--disable-features=' + await disabledFeatures(chromium, { executablePath, args: ['--no-sandbox'] }),
      ...(env.REELCHECK_BENCH_CHROMIUM_ARGS ? env.REELCHECK_BENCH_CHROMIUM_ARGS.split(' ') : [])],
  });
}

// Serves the files of the folder pageDir() names at the moment of each request (a benchmark may
// switch between builds of the page), nothing outside it, never cached. -> {origin, close()}.
export async function servePage(pageDir) {
  const server = http.createServer((req, res) => {
    const dir = pageDir();
    const file = path.resolve(dir, decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/+/, '') || 'index.html');
    if (!file.startsWith(dir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream', 'cache-control': 'no-store' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}
