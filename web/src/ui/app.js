// The page: form, progress, results, export. Talks to the workers only through ReelcheckEngine.
'use strict';

(function (global) {
  const { $, h, formatBytes, num, describeError, ChipGrid, ChipDetail } = global.RC;
  const engine = new global.ReelcheckEngine.Engine();

  const state = {
    files: [],      // File objects (with .relPath when from a folder)
    anchors: [],    // File objects
    report: null,   // parsed report
    reportJson: '', // exactly what the core's report_to_json returned
    chips: [],
    filter: 'all',
    busy: false,
    urls: [],
  };

  const grid = new ChipGrid($('chip-grid'), $('grid-viewport'), $('grid-spacer'), (chip) => detail.show(chip));
  const detail = new ChipDetail(engine);

  // ---- time ------------------------------------------------------------------------------------
  const nowIso = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  $('time-input').value = nowIso();
  $('time-now').addEventListener('click', () => { $('time-input').value = nowIso(); $('time-input').removeAttribute('aria-invalid'); });

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
    state.report = null; state.reportJson = ''; state.chips = [];
    grid.setRows([]);
    detail.clear();
    $('search-input').value = '';
    $('search-status').textContent = '';
    $('findings-body').replaceChildren();
    $('archive-list').replaceChildren();
  }

  // ---- run -------------------------------------------------------------------------------------
  function setBusy(busy) {
    state.busy = busy;
    $('verify-button').disabled = busy;
    $('verify-button').textContent = busy ? 'Verifying…' : 'Verify bundle';
    $('status-panel').setAttribute('aria-busy', busy ? 'true' : 'false');
  }

  $('verify-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    if (state.busy) return;
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
    let key = null;
    try {
      const checkTime = await engine.checkTime($('time-input').value.trim());
      $('time-input').removeAttribute('aria-invalid');
      const files = await Promise.all(state.files.map(async (f) => ({ name: f.name, bytes: await f.arrayBuffer() })));
      const anchors = await Promise.all(state.anchors.map(async (f) => ({ name: f.name, bytes: await f.arrayBuffer() })));
      key = new TextEncoder().encode(keyText);
      const handedOver = performance.now();
      const json = await engine.run({ files, key, anchors, useDefaults: !$('anchors-only').checked, checkTime, onProgress });
      const reported = performance.now();
      state.reportJson = json;
      state.report = JSON.parse(json);
      state.elapsed = performance.now() - started;
      renderReport();
      showTimings(handedOver - started, performance.now() - reported);
    } catch (err) {
      if (err.code === 'cancelled') return;
      if (err.code === 'bad_check_time') { $('time-input').setAttribute('aria-invalid', 'true'); }
      $('progress-box').hidden = true;
      showError(err.code || 'internal', err.message);
      await engine.clear();
    } finally {
      if (key) key.fill(0);
      setBusy(false);
    }
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
    const errors = (r.findings || []).filter((f) => f.severity === 'error').length;
    $('verdict').className = 'verdict ' + (ok ? 'ok' : 'failed');
    $('verdict-mark').setAttribute('d', ok ? CHECK : CROSS);
    $('verdict-title').textContent = ok ? 'Bundle verified' : 'Bundle failed verification';
    const parts = [];
    if (ok) parts.push('All ' + num(c.ok) + ' chips have valid certificates and their secrets.');
    else {
      if (c.failed) parts.push(num(c.failed) + ' of ' + num(c.chips) + ' chips failed.');
      if ((r.missing_archives || []).length) parts.push('Missing: ' + r.missing_archives.join(', ') + '.');
      if (errors) parts.push(num(errors) + ' error finding' + (errors === 1 ? '' : 's') + '.');
    }
    if (c.extra) parts.push(num(c.extra) + ' extra certificate set' + (c.extra === 1 ? '' : 's') + ' without secrets (informational).');
    $('verdict-sub').textContent = parts.join(' ');
    $('s-reel').textContent = r.reel_id || '—';
    $('s-batch').textContent = r.batch_id || '—';
    $('s-time').textContent = r.check_time;
    $('s-anchors').textContent = (r.trust_anchors || []).length + ' CA certificate' + ((r.trust_anchors || []).length === 1 ? '' : 's');
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

    renderFindings(r.findings || []);
    $('export-panel').hidden = false;
    $('verdict').focus && $('verdict').setAttribute('tabindex', '-1');
  }

  function renderFindings(findings) {
    const LIMIT = 1000;
    const shown = findings.slice(0, LIMIT);
    $('findings-note').textContent = findings.length
      ? num(findings.length) + ' finding' + (findings.length === 1 ? '' : 's') + (findings.length > LIMIT ? ' (first ' + num(LIMIT) + ' shown; all are in the JSON report)' : '') + '.'
      : 'No findings: the bundle\'s structure and key files are clean.';
    $('findings-body').replaceChildren(...shown.map((f) => h('tr', { 'data-code': f.code },
      h('td', null, h('span', { class: 'pill ' + f.severity, text: f.severity })),
      h('td', { class: 'code', text: f.code }),
      h('td', { class: 'where', text: f.file ? f.file + (f.line ? ':' + f.line : '') : '—' }),
      h('td', { class: 'chip', text: f.chip_id || '' }),
      h('td', { text: f.message }))));
    document.querySelector('.findings-wrap').hidden = !findings.length;
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
      $('search-status').textContent = (viaUid ? 'UID → chip ID ' + chipId : 'Chip ' + chipId) + ' (' + chip.status + ')';
      applyFilter();
      if (openIt) { grid.open(0); }
    } else {
      searchExact = null;
      searchText = raw.replace(/0x/gi, '').replace(/[\s:,-]/g, '').toUpperCase();
      const rows = applyFilter();
      $('search-status').textContent = /^[0-9A-F]*$/.test(searchText)
        ? num(rows.length) + ' chip' + (rows.length === 1 ? '' : 's') + ' contain ' + searchText + '. Enter a full 20-digit chip ID or 54-digit UID to open one.'
        : 'Not a chip ID or UID: use hexadecimal digits.';
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
      let text;
      if (format === 'json' && !secrets) text = state.reportJson;
      else text = await engine.exportReport(format, secrets);
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
    $('file-input').value = '';
    $('folder-input').value = '';
    $('include-secrets').checked = false;
    $('secrets-warning').hidden = true;
    $('time-input').value = nowIso();
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
