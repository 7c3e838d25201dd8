// The page: form, progress, results, export. Talks to the workers only through ReelcheckEngine.
'use strict';

(function (global) {
  const { $, h, formatBytes, num, describeError, plainKind, plainSeverity, ChipGrid, ChipDetail } = global.RC;
  const engine = new global.ReelcheckEngine.Engine();

  const state = {
    files: [],      // File objects (with .relPath when from a folder)
    anchors: [],    // File objects
    report: null,   // the parsed report view (wasm/report_view.hpp); the full report is exported on demand
    chips: [],
    filter: 'all',
    busy: false,
    urls: [],
  };

  // The active row's reasons in full under the table (the Reason column shows two lines).
  const showRowReason = (chip) => {
    const reasons = chip && chip.reasons && chip.reasons.length ? chip.reasons.map((r) => r.message).join('; ') : '';
    $('row-reason').textContent = reasons ? 'Chip ' + chip.chip_id + ': ' + reasons : '';
  };
  const grid = new ChipGrid($('chip-grid'), $('grid-viewport'), $('grid-spacer'), (chip) => detail.show(chip), showRowReason);
  const detail = new ChipDetail(engine);

  // ---- time ------------------------------------------------------------------------------------
  // Certificates are judged at the moment Verify is pressed, unless the user typed a time: a tab
  // left open for days must not check against the moment it was loaded. The field shows the
  // current time (refreshed at Verify) until the user types; "Now" goes back to following it.
  const nowIso = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  let timeTyped = false;
  function followClock() {
    timeTyped = false;
    $('time-input').value = nowIso();
    $('time-input').removeAttribute('aria-invalid');
  }
  followClock();
  $('time-input').addEventListener('input', () => { timeTyped = $('time-input').value.trim() !== ''; });
  $('time-now').addEventListener('click', followClock);

  // ---- key visibility ----------------------------------------------------------------------------
  // Show/hide only switches the field's type: the key stays in this one field.
  function showKey(visible) {
    $('key-input').type = visible ? 'text' : 'password';
    $('key-toggle').setAttribute('aria-pressed', visible ? 'true' : 'false');
    $('key-toggle').textContent = visible ? 'Hide key' : 'Show key';
  }
  $('key-toggle').addEventListener('click', () => showKey($('key-input').type === 'password'));

  // ---- inputs ----------------------------------------------------------------------------------
  function renderFileList() {
    $('file-list').replaceChildren(...state.files.map((f) =>
      h('li', null, h('span', { class: 'name', text: f.relPath || f.name }), h('span', { class: 'size', text: formatBytes(f.size) }))));
  }
  function renderAnchorList() {
    $('anchor-list').replaceChildren(...state.anchors.map((f) =>
      h('li', null, h('span', { class: 'name', text: f.name }), h('span', { class: 'size', text: formatBytes(f.size) }))));
  }
  function isBundlePart(name) { return /\.(7z|zip)$/i.test(name); }
  function setFiles(files) {
    // From a folder keep only archives (a folder may also hold the letter scan, notes, ...).
    const list = Array.from(files);
    state.files = list.length > 1 ? list.filter((f) => isBundlePart(f.name)) : list;
    if (!state.files.length) state.files = list;
    renderFileList();
    if (state.files.length) engine.warmUp(); // workers load while the key is typed
  }
  $('file-input').addEventListener('change', (e) => setFiles(e.target.files));
  $('folder-input').addEventListener('change', (e) => setFiles(e.target.files));
  $('anchor-input').addEventListener('change', (e) => { state.anchors = state.anchors.concat(Array.from(e.target.files)); e.target.value = ''; renderAnchorList(); });

  // Drag and drop, including a dropped folder (read through the entries API).
  const zone = $('drop-zone');
  const readEntry = (entry) => new Promise((resolve) => {
    if (entry.isFile) entry.file((f) => resolve([f]), () => resolve([]));
    else if (entry.isDirectory) {
      const reader = entry.createReader();
      const all = [];
      const more = () => reader.readEntries(async (batch) => {
        if (!batch.length) { resolve((await Promise.all(all.map(readEntry))).flat()); return; }
        all.push(...batch); more();
      }, () => resolve([]));
      more();
    } else resolve([]);
  });
  ['dragenter', 'dragover'].forEach((t) => zone.addEventListener(t, (e) => { e.preventDefault(); zone.classList.add('over'); }));
  ['dragleave', 'drop'].forEach((t) => zone.addEventListener(t, () => zone.classList.remove('over')));
  zone.addEventListener('drop', async (e) => {
    e.preventDefault();
    const items = Array.from(e.dataTransfer.items || []);
    const entries = items.map((i) => i.webkitGetAsEntry && i.webkitGetAsEntry()).filter(Boolean);
    if (entries.length) setFiles((await Promise.all(entries.map(readEntry))).flat());
    else setFiles(e.dataTransfer.files);
  });
  // A file dropped anywhere else must not make the browser navigate away from the page.
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => e.preventDefault());

  // ---- status areas ----------------------------------------------------------------------------
  function showError(code, message) {
    const d = describeError(code, message);
    $('error-title').textContent = d.title;
    $('error-text').textContent = d.text;
    $('error-detail').textContent = d.detail;
    $('error-detail').hidden = !d.detail;
    $('error-box').dataset.code = code || '';
    $('error-box').hidden = false;
    $('idle-note').hidden = true;
  }
  function hideError() { $('error-box').hidden = true; }

  const PHASES = ['reading', 'decompressing', 'decrypting', 'verifying', 'reporting'];
  function resetProgress() {
    for (const p of PHASES) {
      $('ph-' + p).value = 0; $('ph-' + p).max = 1;
      $('ph-' + p + '-text').textContent = '';
      document.querySelector('.phase[data-phase="' + p + '"]').classList.remove('active', 'done');
    }
  }
  let lastPhase = -1;
  function onProgress({ phase, done, total }) {
    let idx = PHASES.indexOf(phase);
    if (idx < 0) idx = Math.max(lastPhase, 0);
    const name = PHASES[idx];
    for (let i = 0; i < idx; i++) markDone(PHASES[i]);
    lastPhase = Math.max(lastPhase, idx);
    const bar = $('ph-' + name);
    bar.max = Math.max(1, total);
    bar.value = Math.min(done, bar.max);
    const row = document.querySelector('.phase[data-phase="' + name + '"]');
    row.classList.add('active');
    const unit = { reading: ' files', decompressing: ' archives', verifying: ' certificates' }[name] || '';
    if (name === 'verifying' || total > 1) $('ph-' + name + '-text').textContent = num(done) + ' of ' + num(total) + unit;
    if (done >= total && total > 0) markDone(name);
  }
  function markDone(name) {
    const row = document.querySelector('.phase[data-phase="' + name + '"]');
    row.classList.remove('active'); row.classList.add('done');
    const bar = $('ph-' + name); bar.value = bar.max;
  }

  function hideResults() {
    $('timings').hidden = true;
    $('summary').hidden = true;
    $('chips-panel').hidden = true;
    $('findings-panel').hidden = true;
    $('export-panel').hidden = true;
    state.report = null; state.chips = [];
    grid.setRows([]);
    detail.clear();
    $('search-input').value = '';
    $('search-status').textContent = '';
    $('row-reason').textContent = '';
    $('trust-hint').hidden = true;
    $('findings-body').replaceChildren();
    $('archive-list').replaceChildren();
  }

  // ---- run -------------------------------------------------------------------------------------
  function setBusy(busy) {
    state.busy = busy;
    $('cancel-button').hidden = !busy;
    $('verify-button').disabled = busy;
    $('verify-button').textContent = busy ? 'Verifying…' : 'Verify bundle';
    $('status-panel').setAttribute('aria-busy', busy ? 'true' : 'false');
  }

  $('verify-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    if (state.busy) return;
    const run = ++runSeq;
    $('cancel-note').textContent = '';
    hideError();
    hideResults();
    if (!state.files.length) { showError('no_files'); $('file-input').focus(); return; }
    const keyText = $('key-input').value;
    if (!keyText) { showError('no_key'); $('key-input').focus(); return; }
    setBusy(true);
    $('idle-note').hidden = true;
    resetProgress(); lastPhase = -1;
    $('progress-box').classList.remove('complete');
    $('progress-box').hidden = false;
    $('pool-note').textContent = 'Using ' + engine.verifierCount + ' verifier worker' + (engine.verifierCount === 1 ? '' : 's') + ' and one coordinator, all in this tab.';
    const started = performance.now();
    if (!timeTyped) $('time-input').value = nowIso();
    // The key leaves the field now: the run holds the only copy (wiped when it ends), and the
    // field stays empty whether the run succeeds or fails.
    $('key-input').value = '';
    showKey(false);
    let key = null;
    try {
      const checkTime = await engine.checkTime($('time-input').value.trim());
      $('time-input').removeAttribute('aria-invalid');
      const files = await Promise.all(state.files.map(async (f) => ({ name: f.name, bytes: await f.arrayBuffer() })));
      const anchors = await Promise.all(state.anchors.map(async (f) => ({ name: f.name, bytes: await f.arrayBuffer() })));
      key = new TextEncoder().encode(keyText);
      const handedOver = performance.now();
      state.report = await engine.run({ files, key, anchors, useDefaults: !$('anchors-only').checked, checkTime, onProgress });
      const reported = performance.now();
      state.elapsed = performance.now() - started;
      renderReport();
      showTimings(handedOver - started, performance.now() - reported);
    } catch (err) {
      if (err.code === 'cancelled' || run !== runSeq) return; // Cancel or Clear already reset the page
      if (err.code === 'bad_check_time') { $('time-input').setAttribute('aria-invalid', 'true'); }
      $('progress-box').hidden = true;
      showError(err.code || 'internal', err.message);
      await engine.clear();
    } finally {
      if (key) key.fill(0);
      if (run === runSeq) setBusy(false);
    }
  });

  // ---- cancel ------------------------------------------------------------------------------------
  // Stops the run: the workers are ended (their memory, with the bundle and the key copy, goes
  // with them) and the form is back as it was, files, anchors and check time kept. The key was
  // taken out of the field at Verify, so it has to be entered again.
  let runSeq = 0;
  $('cancel-button').addEventListener('click', () => {
    if (!state.busy) return;
    runSeq++;
    engine.clear().catch(() => { /* the workers are ended either way */ });
    hideResults();
    resetProgress();
    $('progress-box').hidden = true;
    $('idle-note').hidden = false;
    setBusy(false);
    $('cancel-note').textContent = 'Verification cancelled. The files and settings are kept; enter the transport key again to verify.';
    $('key-input').focus();
  });

  // ---- timings -----------------------------------------------------------------------------------
  // Per-phase wall time of the last run, on the page ("Timings" line) and for tools (bench/run.sh)
  // as window.__reelcheckTimings and #timings[data-timings]. Times and counts only, no secrets.
  // readMs: reading the files in this thread; renderMs: showing the report.
  function showTimings(readMs, renderMs) {
    const t = engine.lastTimings;
    if (!t) return;
    const phases = Object.assign({}, t.phases);
    phases.reading = (phases.reading || 0) + readMs;
    phases.reporting = (phases.reporting || 0) + renderMs;
    const timings = {
      phases, total: state.elapsed, verifiers: t.verifiers, hardwareConcurrency: navigator.hardwareConcurrency || null,
      certificates: t.certificates, slices: t.slices, sliceSize: t.sliceSize, verifierBusy: t.verifierBusy, wasmHeapMiB: null,
    };
    const render = () => {
      $('timings').textContent = 'Timings: ' + PHASES.filter((p) => p in phases)
        .map((p) => p + ' ' + (phases[p] / 1000).toFixed(2) + ' s').join(' · ') +
        ' · total ' + (timings.total / 1000).toFixed(2) + ' s' +
        (timings.wasmHeapMiB ? ' · wasm heap ' + timings.wasmHeapMiB.max + ' MiB' : '');
      $('timings').dataset.timings = JSON.stringify(timings);
      $('timings').hidden = false;
      global.__reelcheckTimings = timings;
    };
    render();
    engine.heapUsage().then((heap) => { timings.wasmHeapMiB = heap; render(); }).catch(() => {});
  }

  // ---- results ---------------------------------------------------------------------------------
  const CHECK = 'm7 12.5 3.2 3.2L17 9';
  const CROSS = 'M8.5 8.5l7 7m0-7-7 7';
  const ARCHIVE_KINDS = ['E0E0_Certs', 'E0E1_Certs', 'E0E2_Certs', 'keys'];

  function renderReport() {
    const r = state.report;
    const c = r.counts;
    const ok = r.verdict === 'ok';
    // Findings that say what happened in one sentence are shown as such (two copies of one reel
    // chosen together); the other errors are counted.
    const told = r.duplicate_bundles || [];
    const errors = r.error_findings;
    $('verdict').className = 'verdict ' + (ok ? 'ok' : 'failed');
    $('verdict-mark').setAttribute('d', ok ? CHECK : CROSS);
    $('verdict-title').textContent = ok ? 'Bundle verified' : 'Bundle failed verification';
    const parts = [];
    if (ok) parts.push('All ' + num(c.ok) + ' chips have valid certificates and their secrets.');
    else {
      if (c.failed) parts.push(num(c.failed) + ' of ' + num(c.chips) + ' chips failed.');
      if ((r.missing_archives || []).length) parts.push('Missing: ' + r.missing_archives.map(archiveWords).join(', ') + '.');
      if (errors) parts.push(num(errors) + ' error finding' + (errors === 1 ? '' : 's') + '.');
    }
    for (const message of told) parts.push(message + '.'); // it starts with a file name: kept as is
    if (c.extra) parts.push(num(c.extra) + ' extra certificate set' + (c.extra === 1 ? '' : 's') + ' without secrets (informational).');
    $('verdict-sub').textContent = parts.join(' ');
    showTrustHint(r);
    $('s-reel').textContent = r.reel_id || '—';
    $('s-batch').textContent = r.batch_id || '—';
    $('s-time').textContent = r.check_time;
    $('s-anchors').textContent = r.trust_anchor_count + ' CA certificate' + (r.trust_anchor_count === 1 ? '' : 's');
    $('c-chips').textContent = num(c.chips);
    $('c-ok').textContent = num(c.ok);
    $('c-failed').textContent = num(c.failed);
    $('c-extra').textContent = num(c.extra);
    $('c-certs').textContent = num(c.certificates_ok) + ' / ' + num(c.certificates);

    const found = new Map((r.archives || []).map((a) => [a.kind, a]));
    $('archive-list').replaceChildren(...ARCHIVE_KINDS.map((kind) => {
      const a = found.get(kind);
      return a
        ? h('li', { 'data-kind': kind }, h('span', { class: 'pill ok', text: 'found' }), h('span', { class: 'name', text: a.name }), h('span', { class: 'hint', text: num(a.entries) + ' file' + (a.entries === 1 ? '' : 's') }))
        : h('li', { 'data-kind': kind }, h('span', { class: 'pill missing', text: 'missing' }), h('span', { class: 'name', text: '…_' + kind + '.7z' }));
    }));
    $('summary').hidden = false;
    $('progress-box').hidden = false;
    $('progress-box').classList.add('complete');
    $('pool-note').textContent = 'Verified ' + num(c.certificates) + ' certificates in ' + (state.elapsed / 1000).toFixed(1) + ' s with ' + engine.verifierCount + ' worker' + (engine.verifierCount === 1 ? '' : 's') + '.';

    state.chips = r.chips || [];
    const count = (s) => state.chips.filter((ch) => ch.status === s).length;
    $('f-all').textContent = num(state.chips.length);
    $('f-ok').textContent = num(count('ok'));
    $('f-failed').textContent = num(count('failed'));
    $('f-extra').textContent = num(count('extra'));
    // Failed chips first catch the eye: start on "Failed" when there are any.
    const initial = count('failed') ? 'failed' : 'all';
    document.querySelector('#status-filter input[value="' + initial + '"]').checked = true;
    state.filter = initial;
    applyFilter();
    $('chips-panel').hidden = false;

    renderFindings(r.findings || [], r.findings_total);
    $('export-panel').hidden = false;
    $('verdict').focus && $('verdict').setAttribute('tabindex', '-1');
  }

  function archiveWords(kind) {
    return kind === 'keys' ? 'the keys archive (…_keys.7z)' : 'the ' + kind.replace('_Certs', '') + ' certificates archive (…_' + kind + '.7z)';
  }

  // Every certificate fails only because its issuer is not trusted, by the same one or two CAs:
  // almost always a test PKI whose CAs were not added. The core's rule (untrusted_issuers), the
  // same as the CLI's hint.
  function showTrustHint(r) {
    const issuers = r.untrusted_issuers && r.untrusted_issuers.length ? r.untrusted_issuers : null;
    $('trust-hint').hidden = !issuers;
    if (issuers) $('trust-hint-issuers').textContent = issuers.map((i) => '“' + i + '”').join(' and ');
  }
  $('trust-hint-open').addEventListener('click', () => {
    $('anchors-details').open = true;
    $('anchor-input').focus();
  });

  // findings: the first ones (the view lists at most a thousand); total: how many there are.
  function renderFindings(findings, total) {
    $('findings-note').textContent = total
      ? num(total) + ' finding' + (total === 1 ? '' : 's') + (total > findings.length ? ' (first ' + num(findings.length) + ' shown; all are in the JSON report)' : '') + '.'
      : 'No findings: the bundle\'s structure and key files are clean.';
    $('findings-body').replaceChildren(...findings.map((f) => h('tr', { 'data-code': f.code },
      h('td', null, h('span', { class: 'pill ' + f.severity, text: plainSeverity(f.severity) })),
      h('td', { class: 'kind', text: plainKind(f.code) }),
      h('td', { class: 'where', text: f.file ? f.file + (f.line ? ':' + f.line : '') : '—' }),
      h('td', { class: 'chip', text: f.chip_id || '' }),
      h('td', { text: f.message }))));
    document.querySelector('.findings-wrap').hidden = !total;
    $('findings-panel').hidden = false;
  }

  // ---- filter and search -----------------------------------------------------------------------
  let searchExact = null; // chip ID from the core's lookup
  let searchText = '';
  function applyFilter() {
    let rows = state.chips;
    if (state.filter !== 'all') rows = rows.filter((c) => c.status === state.filter);
    if (searchExact) rows = rows.filter((c) => c.chip_id === searchExact);
    else if (searchText) rows = rows.filter((c) => c.chip_id.includes(searchText));
    grid.setRows(rows);
    return rows;
  }
  $('status-filter').addEventListener('change', (e) => {
    if (e.target.name !== 'status') return;
    state.filter = e.target.value;
    applyFilter();
  });

  let searchSeq = 0;
  async function runSearch(openIt) {
    const raw = $('search-input').value.trim();
    const seq = ++searchSeq;
    if (!raw) { searchExact = null; searchText = ''; $('search-status').textContent = ''; applyFilter(); return; }
    let chipId = null;
    try { chipId = await engine.lookup(raw); } catch (e) { chipId = null; }
    if (seq !== searchSeq) return;
    if (chipId) {
      searchExact = chipId; searchText = '';
      const chip = state.chips.find((c) => c.chip_id === chipId);
      const digits = raw.replace(/0x/gi, '').replace(/[^0-9a-f]/gi, '');
      const viaUid = digits.length === 54;
      if (!chip) {
        $('search-status').textContent = (viaUid ? 'UID → chip ID ' + chipId + ': ' : 'Chip ' + chipId + ' ') + 'is not in this bundle.';
        applyFilter();
        return;
      }
      if (state.filter !== 'all' && chip.status !== state.filter) {
        state.filter = 'all';
        document.querySelector('#status-filter input[value="all"]').checked = true;
      }
      const words = { ok: 'OK', failed: 'failed', extra: 'extra: certificates, no secrets' }[chip.status] || chip.status;
      $('search-status').textContent = (viaUid ? 'UID → chip ID ' + chipId : 'Chip ' + chipId) + ' (' + words + ')';
      applyFilter();
      if (openIt) { grid.open(0); }
    } else {
      searchExact = null;
      searchText = raw.replace(/0x/gi, '').replace(/[\s:,-]/g, '').toUpperCase();
      const rows = applyFilter();
      const hex = /^[0-9A-F]*$/.test(searchText);
      if (hex && !openIt) {
        $('search-status').textContent = num(rows.length) + ' chip' + (rows.length === 1 ? '' : 's') + ' contain ' + searchText + '. Enter a full 20-digit chip ID or 54-digit UID to open one.';
      } else if (hex) {
        $('search-status').textContent = 'Not a chip ID or UID: ' + searchText.length + ' hex digit' + (searchText.length === 1 ? '' : 's') +
          ', but a chip ID has 20 and a 27-byte UID 54. ' + num(rows.length) + ' chip' + (rows.length === 1 ? '' : 's') + ' contain ' + searchText + '.';
      } else {
        $('search-status').textContent = 'Not a chip ID or UID: use hexadecimal digits (0–9, A–F); spaces, colons and 0x are fine.';
      }
    }
  }
  let searchTimer = 0;
  $('search-input').addEventListener('input', () => { clearTimeout(searchTimer); searchTimer = setTimeout(() => runSearch(false), 150); });
  $('search-form').addEventListener('submit', (e) => { e.preventDefault(); clearTimeout(searchTimer); runSearch(true); });

  // ---- export ----------------------------------------------------------------------------------
  $('include-secrets').addEventListener('change', (e) => { $('secrets-warning').hidden = !e.target.checked; });
  function download(text, name, type) {
    const url = URL.createObjectURL(new Blob([text], { type }));
    state.urls.push(url);
    const a = h('a', { href: url, download: name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => { URL.revokeObjectURL(url); state.urls = state.urls.filter((u) => u !== url); }, 30000);
  }
  async function exportAs(format) {
    if (!state.report) return;
    const secrets = $('include-secrets').checked;
    const base = 'reelcheck-' + (state.report.reel_id || 'bundle') + (secrets ? '-with-secrets' : '');
    try {
      const text = await engine.exportReport(format, secrets);
      download(text, base + (format === 'json' ? '.json' : '.csv'), format === 'json' ? 'application/json' : 'text/csv');
      $('export-status').textContent = 'Saved ' + base + (format === 'json' ? '.json' : '.csv') + (secrets ? ' — it contains secrets.' : '.');
    } catch (err) {
      showError(err.code || 'internal', err.message);
    }
  }
  $('export-json').addEventListener('click', () => exportAs('json'));
  $('export-csv').addEventListener('click', () => exportAs('csv'));

  // ---- clear -----------------------------------------------------------------------------------
  // The page is reset at once, in this click: anything chosen right after it belongs to the next
  // run. The engine detaches its workers synchronously and wipes/ends them in the background.
  $('clear-button').addEventListener('click', () => {
    searchSeq++;
    engine.clear().catch(() => { /* the workers are ended either way */ });
    $('verify-form').reset();
    $('key-input').value = '';
    showKey(false);
    runSeq++;
    $('cancel-note').textContent = '';
    $('file-input').value = '';
    $('folder-input').value = '';
    $('include-secrets').checked = false;
    $('secrets-warning').hidden = true;
    followClock();
    state.files = []; state.anchors = [];
    renderFileList(); renderAnchorList();
    for (const u of state.urls) URL.revokeObjectURL(u);
    state.urls = [];
    hideResults();
    hideError();
    resetProgress();
    $('progress-box').hidden = true;
    $('export-status').textContent = '';
    $('idle-note').hidden = false;
    setBusy(false);
    $('file-input').focus();
  });

  // ---- last line of defence: never a blank page ----------------------------------------------
  window.addEventListener('error', (e) => { showError('internal', e.message); setBusy(false); });
  window.addEventListener('unhandledrejection', (e) => {
    if (e.reason && e.reason.code === 'cancelled') { e.preventDefault(); return; } // a run we stopped ourselves
    showError((e.reason && e.reason.code) || 'internal', e.reason && e.reason.message);
    setBusy(false);
  });
  if (typeof WebAssembly !== 'object' || typeof Worker !== 'function') {
    showError('internal', 'This browser lacks WebAssembly or Web Workers; use a current Chromium, Firefox or Safari.');
    $('verify-button').disabled = true;
  }

  global.RC.app = { state, engine };
})(window);
