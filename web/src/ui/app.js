// The page's wiring: a run (Verify, Cancel, Clear) and the error box, over the parts in the
// other ui/ files (inputs, progress, results, chip table and search, chip detail, export).
// Talks to the workers only through ReelcheckEngine.
'use strict';

(function (global) {
  const { $, describeError, ChipGrid, ChipDetail, ProgressView } = global.RC;
  const engine = new global.ReelcheckEngine.Engine();

  // Resolves in a task of its own (a message to ourselves, not setTimeout, so no 4 ms clamp):
  // work after it lets the browser handle input and paint in between.
  function nextTask() {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => { channel.port1.close(); resolve(); };
      channel.port2.postMessage(null);
    });
  }

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
  // The workers load, and the verifiers build their tables for the trust settings of the
  // moment, as soon as the page is idle after loading and again whenever the trust settings
  // change: while the user chooses files and types the key (run() redoes it if the settings
  // change after that).
  // Then, with a bundle chosen, the run itself begins (engine.begin): the certificates are
  // unpacked and verified while the key is typed, and Verify hands the key over for the keys
  // archive. A run that asks for other work at Verify (settings changed since) starts afresh.
  async function warmUp() {
    // Whatever changed, a run begun for the inputs before is no longer the one wanted: it stops
    // before the verifiers get these settings (its slices would be refused under them).
    engine.dropEarly();
    loadCodes().catch(() => { /* asked again at Verify */ });
    // The coordinator reads the chosen bundle now, and the check time is parsed now: Verify then
    // waits for neither (a failure is met again, and reported, at Verify).
    engine.stage(state.files);
    const early = state.files.length > 0 && !state.busy && !state.report;
    // The check time of a run begun now: the moment the bundle is chosen, unless the user typed
    // one (inputs.js: Verify keeps it if it is recent).
    if (early) inputs.refreshTime();
    // Parsed now even before a bundle is chosen (kept per text): the run begun at the choice then
    // does not wait for a round trip to the coordinator.
    const timeText = $('time-input').value.trim();
    const checkTime = engine.checkTime(timeText);
    checkTime.catch(() => {});
    let anchors;
    try {
      anchors = await readAnchors();
      engine.warmUp({ anchors, useDefaults: !$('anchors-only').checked });
    } catch (e) {
      engine.warmUp(); // an unreadable anchor file is reported at Verify
      engine.dropEarly();
      return;
    }
    if (!early) return;
    let iso;
    try {
      iso = await checkTime;
    } catch (e) {
      engine.dropEarly(); // a check time the core refuses is reported at Verify
      return;
    }
    // Still the same choice (nothing changed while the files and the time were read)?
    if (state.busy || state.report || timeText !== $('time-input').value.trim()) return;
    const certsOnly = $('certs-only').checked;
    engine.begin({ files: state.files.map((f) => ({ name: f.name, file: f })), certsOnly, anchors, useDefaults: !$('anchors-only').checked, checkTime: iso });
  }
  // Each anchor file's bytes, read once, when it is chosen: the same File at Verify gives the
  // same bytes without reading it again (as the bundle's staging does).
  const anchorReads = new WeakMap();
  function readAnchors() {
    return Promise.all(state.anchors.map(async (f) => {
      if (!anchorReads.has(f)) {
        const read = f.arrayBuffer();
        anchorReads.set(f, read);
        read.catch(() => anchorReads.delete(f)); // read again (and reported) next time
      }
      return { name: f.name, bytes: await anchorReads.get(f) };
    }));
  }
  const inputs = global.RC.setUpInputs(state, warmUp);
  const progress = new ProgressView();
  const search = global.RC.setUpChipSearch(state, grid, engine);
  const results = global.RC.setUpResults(engine, search.showChips);

  // ---- status areas ----------------------------------------------------------------------------
  // The core's words for its codes come from its table, asked of the coordinator once. An error
  // shown before the table is here is shown again with them as soon as it comes.
  let codesLoading = null;
  function loadCodes() {
    if (global.RC.hasCodeTable()) return Promise.resolve();
    if (!codesLoading) {
      codesLoading = engine.ensureCoordinator().call(global.ReelcheckProtocol.REQUEST.CODES).then((r) => {
        if (!r || !r.ok) throw new Error('no code table');
        global.RC.useCodeTable(r.table);
      }).finally(() => { codesLoading = null; });
    }
    return codesLoading;
  }
  function showError(code, message) {
    renderError(code, message);
    if (!global.RC.hasCodeTable() && !global.RC.isPageError(code)) {
      loadCodes().then(() => {
        if (!$('error-box').hidden && $('error-box').dataset.code === (code || '')) renderError(code, message);
      }, () => { /* the words already shown stay */ });
    }
  }
  function renderError(code, message) {
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
  global.RC.setUpReportExport(state, engine, showError);

  function hideResults() {
    $('timings').hidden = true;
    $('summary').hidden = true;
    $('chips-panel').hidden = true;
    $('findings-panel').hidden = true;
    $('export-panel').hidden = true;
    state.report = null; state.chips = [];
    grid.setRows([]);
    detail.clear();
    search.reset();
    $('row-reason').textContent = '';
    results.clear();
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
    const certsOnly = $('certs-only').checked;
    const keyText = certsOnly ? '' : $('key-input').value;
    // A key given to Verify leaves the field now, whatever follows (a run, or a key over the
    // core's bound): the run holds the only copy (wiped when it ends), and the field stays empty
    // whether the run succeeds or fails. Only a Verify refused for want of files or of a key
    // leaves the field as it was. Emptying a field makes the browser lay the page out, so it
    // comes before any other change of the page: now, that layout costs next to nothing.
    if (state.files.length && (keyText || certsOnly)) {
      $('key-input').value = '';
      inputs.showKey(false);
    }
    $('cancel-note').textContent = '';
    hideError();
    hideResults();
    if (!state.files.length) { showError('no_files'); $('file-input').focus(); return; }
    if (!keyText && !certsOnly) { showError('no_key'); $('key-input').focus(); return; }
    // A key over the core's bound (a file's content pasted, a megabyte) never reaches a worker.
    const keyBytes = new TextEncoder().encode(keyText);
    const tooLong = global.ReelcheckEngine.keyTooLong(keyBytes);
    keyBytes.fill(0);
    if (tooLong) {
      showError(tooLong.code, tooLong.message);
      $('key-input').focus();
      return;
    }
    setBusy(true);
    $('idle-note').hidden = true;
    progress.reset();
    $('progress-box').classList.remove('complete');
    $('progress-box').hidden = false;
    // The run shows that it started in this click's own task, before the check time's round trip
    // to the coordinator (which may still be loading its WebAssembly) and before any file is
    // read: the first progress the user sees does not wait for either.
    progress.update({ phase: 'reading', done: 0, total: state.files.length });
    $('pool-note').textContent = 'Using ' + engine.verifierCount + ' verifier worker' + (engine.verifierCount === 1 ? '' : 's') + ' and one coordinator, all in this tab.';
    const started = performance.now();
    // The run begun when the bundle was chosen keeps its check time if that is recent; any
    // other run is judged now (unless the user typed a time).
    if (engine.early) inputs.refreshTimeIfStale(); else inputs.refreshTime();
    let key = null;
    try {
      // The anchor files (a few kB) are read here while the coordinator checks the check time;
      // a check time it refuses is still the error shown. The bundle's files go to the
      // coordinator as chosen and are read there: their bytes never pass through this thread,
      // whose reading of a bundle of megabytes was a long task of its own.
      // The core's words for the report come meanwhile too (once per page).
      const reading = readAnchors();
      reading.catch(() => {}); // awaited below, unless the check time fails first
      const codes = loadCodes();
      codes.catch(() => {}); // awaited before the report is shown
      let checkTime;
      try {
        checkTime = await engine.checkTime($('time-input').value.trim());
      } catch (timeErr) {
        if (timeErr.code === 'bad_input') $('time-input').setAttribute('aria-invalid', 'true');
        throw timeErr;
      }
      $('time-input').removeAttribute('aria-invalid');
      const anchors = await reading;
      const files = state.files.map((f) => ({ name: f.name, file: f }));
      key = certsOnly ? null : new TextEncoder().encode(keyText);
      const handedOver = performance.now();
      const report = await engine.run({ files, key, certsOnly, anchors, useDefaults: !$('anchors-only').checked, checkTime, onProgress: (p) => progress.update(p) });
      const reported = performance.now();
      progress.flush(); // the bars' last state, before the report replaces them
      await codes; // the report is shown in the core's words
      // Reading the report view (its JSON, one row per chip) and showing it are two tasks of
      // their own: together, on a 4,000-chip reel, they would hold the UI thread too long.
      await nextTask();
      if (run !== runSeq) return; // Cancel or Clear meanwhile: the page is already reset
      state.report = report;
      state.elapsed = performance.now() - started;
      results.renderReport(state.report, state.elapsed);
      if (certsOnly) $('ph-decrypting-text').textContent = 'not opened: certificates only';
      progress.showTimings(engine, state.elapsed, handedOver - started, performance.now() - reported);
    } catch (err) {
      if (err.code === 'cancelled' || run !== runSeq) return; // Cancel or Clear already reset the page
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
    progress.reset();
    $('progress-box').hidden = true;
    $('idle-note').hidden = false;
    setBusy(false);
    $('cancel-note').textContent = 'Verification cancelled. The files and settings are kept; enter the transport key again to verify.';
    $('key-input').focus();
  });

  // ---- clear -----------------------------------------------------------------------------------
  // The page is reset at once, in this click: anything chosen right after it belongs to the next
  // run. The engine detaches its workers synchronously and wipes/ends them in the background.
  $('clear-button').addEventListener('click', () => {
    engine.clear().catch(() => { /* the workers are ended either way */ });
    $('verify-form').reset();
    $('key-input').value = '';
    inputs.showKey(false);
    inputs.applyCertsOnly();
    runSeq++;
    $('cancel-note').textContent = '';
    $('file-input').value = '';
    $('folder-input').value = '';
    $('include-secrets').checked = false;
    $('secrets-warning').hidden = true;
    inputs.followClock();
    state.files = []; state.anchors = [];
    inputs.renderFileList(); inputs.renderAnchorList();
    for (const u of state.urls) URL.revokeObjectURL(u);
    state.urls = [];
    hideResults();
    hideError();
    progress.reset();
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

  // While the page is idle after loading, the workers' source is made into a Blob URL and the
  // core is compiled (each a long task otherwise paid when a bundle is chosen, or at Verify);
  // then the workers start and the verifiers build their tables for the trust settings of the
  // moment, while the user chooses the files and types the key. An incomplete page is reported
  // when a worker is needed.
  if (typeof WebAssembly === 'object' && typeof Worker === 'function') {
    const whenIdle = global.requestIdleCallback || ((f) => setTimeout(f, 200));
    whenIdle(() => {
      try { engine.prepare(); } catch (e) { return; /* reported at first use */ }
      warmUp().catch(() => { /* reported at Verify */ });
      // Then the fonts the run's progress and results will use (font_primer.js).
      whenIdle(() => global.RC.primeResultFonts(['progress-box', 'summary', 'chips-panel', 'findings-panel', 'export-panel'].map($), {
        rows: [
          { selector: '#grid-viewport', make: global.RC.ChipGrid.sampleRow },
          { selector: '#findings-body', make: global.RC.sampleFindingRow },
        ],
        states: [{ selector: '.phase', classes: ['active', 'done'] }],
      }));
    });
  }
  // Settings that change the run: the run begun early starts again with them.
  for (const id of ['anchors-only', 'certs-only', 'time-input']) $(id).addEventListener('change', () => { warmUp().catch(() => {}); });
  $('time-now').addEventListener('click', () => { warmUp().catch(() => {}); });

  global.RC.app = { state, engine };
})(window);
