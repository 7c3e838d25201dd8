// The form's inputs: bundle files (picker, folder, drag and drop), trust anchor files, the
// transport key field's show/hide, and the check time. Keeps the chosen files in `state`.
'use strict';

(function (global) {
  const { $, h, formatBytes } = global.RC;

  // onFiles(): the bundle or anchor files changed (the page warms its workers up).
  function setUpInputs(state, onFiles) {
    // ---- time ------------------------------------------------------------------------------------
    // Certificates are judged at the moment the run begins, unless the user typed a time: when the
    // bundle is chosen (the page begins the run then, while the key is typed), or at Verify if
    // that moment is more than RECENT_MS ago. A tab left open for days must not check against the
    // moment it was loaded. The field shows that time until the user types; "Now" goes back to
    // following the clock.
    const RECENT_MS = 5 * 60 * 1000;
    const nowIso = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    let timeTyped = false;
    let refreshedAt = 0;
    function followClock() {
      timeTyped = false;
      $('time-input').value = nowIso();
      refreshedAt = Date.now();
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
    // Certificates only: no key is asked for, and a key already typed leaves the field. Also
    // after Clear, whose form reset unticks the box without a change event.
    function applyCertsOnly() {
      const off = $('certs-only').checked;
      if (off) { $('key-input').value = ''; showKey(false); }
      $('key-input').disabled = off;
      $('key-toggle').disabled = off;
    }
    $('certs-only').addEventListener('change', applyCertsOnly);

    // ---- inputs ----------------------------------------------------------------------------------
    function renderFileList() {
      $('file-list').replaceChildren(...state.files.map((f) =>
        h('li', null, h('span', { class: 'name', text: f.relPath || f.name }), h('span', { class: 'size', text: formatBytes(f.size) }))));
    }
    function renderAnchorList() {
      $('anchor-list').replaceChildren(...state.anchors.map((f) =>
        h('li', null, h('span', { class: 'name', text: f.name }), h('span', { class: 'size', text: formatBytes(f.size) }))));
    }
    function setFiles(files) {
      // Every file goes to the core, which decides what belongs to the bundle: a folder's letter
      // scan or notes come back as ignored_input findings, as in the CLI.
      state.files = Array.from(files);
      renderFileList();
      if (state.files.length) onFiles(); // workers load while the key is typed
    }
    $('file-input').addEventListener('change', (e) => setFiles(e.target.files));
    $('folder-input').addEventListener('change', (e) => setFiles(e.target.files));
    $('anchor-input').addEventListener('change', (e) => { state.anchors = state.anchors.concat(Array.from(e.target.files)); e.target.value = ''; renderAnchorList(); onFiles(); });

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


    return {
      applyCertsOnly,
      followClock,
      // The check time for a run begun now (the bundle just chosen), unless the user typed one.
      refreshTime() {
        if (timeTyped) return;
        $('time-input').value = nowIso();
        refreshedAt = Date.now();
      },
      // At Verify: the time set when the run began, if that is recent (the run begun then goes
      // on); otherwise now.
      refreshTimeIfStale() {
        const age = Date.now() - refreshedAt;
        if (!timeTyped && !(age >= 0 && age <= RECENT_MS)) this.refreshTime();
      },
      showKey, renderFileList, renderAnchorList,
    };
  }

  global.RC.setUpInputs = setUpInputs;
})(window);
