// Export: the full report as JSON or CSV, built by the coordinator on request (with the secrets
// only when the user ticked the box), saved through a short-lived object URL.
'use strict';

(function (global) {
  const { $, h } = global.RC;

  function setUpReportExport(state, engine, showError) {
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
  }

  global.RC.setUpReportExport = setUpReportExport;
})(window);
