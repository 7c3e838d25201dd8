// Export: the full report as JSON or CSV, built by the coordinator on request (with the secrets
// only when the user ticked the box), saved through a short-lived object URL.
'use strict';

(function (global) {
  const { $, h } = global.RC;

  function setUpReportExport(state, engine, showError) {
    $('include-secrets').addEventListener('change', (e) => { $('secrets-warning').hidden = !e.target.checked; });
    function download(data, name, type) {
      const url = URL.createObjectURL(new Blob([data], { type }));
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

    // Registration files: the core decides what goes in (verified certificates only) and writes
    // the ZIP; the page only names the download and says what the manifest counted.
    async function register(format) {
      if (!state.report) return;
      const slot = $('register-slot').value;
      const name = 'reelcheck-' + (state.report.reel_id || 'bundle') + '-' + format + '-' + slot + '.zip';
      try {
        const r = await engine.registration(format, slot, $('register-extra').checked);
        download(r.zip, name, 'application/zip');
        $('register-status').textContent = 'Saved ' + name + ': ' + r.exported + ' chip' + (r.exported === 1 ? '' : 's') +
          ' exported, ' + r.leftOut + ' left out (reasons in manifest.json)' +
          (r.withheld ? '; ' + r.withheld + ' verified chip' + (r.withheld === 1 ? ' was' : 's were') + ' held back (shared key, chip ID or registration ID)' : '') + '.';
      } catch (err) {
        showError(err.code || 'internal', err.message);
      }
    }
    for (const button of document.querySelectorAll('[data-register]')) {
      button.addEventListener('click', () => register(button.dataset.register));
    }
  }

  global.RC.setUpReportExport = setUpReportExport;
})(window);
