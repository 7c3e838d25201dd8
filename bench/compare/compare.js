// The comparison page's logic (bench only). Straightforward on purpose: how a web developer
// would do it with the two packages, with the obvious speed-ups (WebCrypto calls in flight
// together, since Chromium runs them off the main thread), and nothing Reelcheck-specific.
'use strict';

const $ = (id) => document.getElementById(id);
const text = new TextDecoder();
const BATCH = 512; // x509.verify promises in flight at once

function pemBlocks(pem) {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) || [];
}

function listFiles(FS, dir) {
  const out = [];
  for (const name of FS.readdir(dir)) {
    if (name === '.' || name === '..') continue;
    const path = dir + '/' + name;
    if (FS.isDir(FS.stat(path).mode)) out.push(...listFiles(FS, path));
    else out.push(path);
  }
  return out;
}

async function run() {
  const t0 = performance.now();
  const lap = {};
  const file = $('file-input').files[0];
  const password = $('key-input').value.trim();
  const at = new Date($('time-input').value);
  const trustText = await $('anchor-input').files[0].text();
  const anchors = pemBlocks(trustText).map((p) => new x509.X509Certificate(p));

  $('progress').textContent = 'Extracting…';
  const sevenZip = await SevenZip({ locateFile: (p) => 'node_modules/7z-wasm/' + p, print() {}, printErr() {} });
  const FS = sevenZip.FS;
  FS.mkdir('/in');
  FS.writeFile('/in/' + file.name, new Uint8Array(await file.arrayBuffer()));
  sevenZip.callMain(['x', '-y', '-bso0', '-bsp0', '-o/outer', '/in/' + file.name]);
  for (const inner of listFiles(FS, '/outer').filter((p) => p.endsWith('.7z'))) {
    const kind = inner.split('/').pop().replace(/\.7z$/, '');
    sevenZip.callMain(['x', '-y', '-bso0', '-bsp0', '-p' + password, '-o/x/' + kind, inner]);
  }
  lap.extract = performance.now() - t0;
  let parseMs = 0;
  const files = listFiles(FS, '/x');
  const pems = files.filter((p) => /_E0E[012]\.pem$/.test(p));
  const keyFiles = files.filter((p) => p.endsWith('.txt'));
  if (keyFiles.length !== 2) throw new Error('key files missing (wrong transport key?)');

  // The CAs: each intermediate checked against its root once.
  const bySubject = new Map(anchors.map((c) => [c.subject, c]));
  for (const ca of anchors) {
    const root = bySubject.get(ca.issuer);
    if (root && root !== ca && !(await ca.verify({ publicKey: root.publicKey, date: at }))) throw new Error('CA chain broken');
  }

  $('progress').textContent = 'Verifying ' + pems.length + ' certificates…';
  let ok = 0;
  for (let i = 0; i < pems.length; i += BATCH) {
    const tp = performance.now();
    const batch = pems.slice(i, i + BATCH).map((p) => new x509.X509Certificate(text.decode(FS.readFile(p))));
    parseMs += performance.now() - tp;
    const results = await Promise.all(batch.map((cert) => {
      const ca = bySubject.get(cert.issuer);
      return ca ? cert.verify({ publicKey: ca.publicKey, date: at }).catch(() => false) : false;
    }));
    ok += results.filter(Boolean).length;
  }
  lap.parse = parseMs;
  lap.total = performance.now() - t0;
  window.__compareTimings = lap; // for bench/run.sh
  $('verdict').textContent = ok + ' of ' + pems.length + ' certificates valid';
}

$('verify-button').addEventListener('click', () => {
  run().catch((e) => { $('verdict').textContent = 'Error: ' + e.message; });
});
