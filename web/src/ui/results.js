// The results: the verdict, the summary counts, the archives found, the trust hint and the
// findings table, from the report view (wasm/report_view.hpp). The chip table is ChipGrid's.
'use strict';

(function (global) {
  const { $, h, num, plainKind, plainSeverity, archiveKinds, plainArchive } = global.RC;

  // One row of the findings table (f: a finding of the report view).
  function findingRow(f) {
    return h('tr', { 'data-code': f.code },
      h('td', null, h('span', { class: 'pill ' + f.severity, text: plainSeverity(f.severity) })),
      h('td', { class: 'kind', text: plainKind(f.code) }),
      h('td', { class: 'where', text: f.file ? f.file + (f.line ? ':' + f.line : '') : '—' }),
      h('td', { class: 'chip', text: f.chip_id || '' }),
      h('td', { text: f.message }));
  }

  // showChips(rows, counts): hand the chip rows and the view's counts to the table (filter and
  // search).
  function setUpResults(engine, showChips) {
    const CHECK = 'm7 12.5 3.2 3.2L17 9';
    const CROSS = 'M8.5 8.5l7 7m0-7-7 7';

    function renderReport(r, elapsed) {
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
      if (ok && r.secrets_checked) parts.push('All ' + num(c.ok) + ' chips have valid certificates and their secrets.');
      else if (ok) parts.push('All ' + num(c.ok) + ' chips have valid certificates.');
      else {
        if (c.failed) parts.push(num(c.failed) + ' of ' + num(c.chips) + ' chips failed.');
        if ((r.missing_archives || []).length) parts.push('Missing: ' + r.missing_archives.map(plainArchive).join(', ') + '.');
        if (errors) parts.push(num(errors) + ' error finding' + (errors === 1 ? '' : 's') + '.');
      }
      for (const message of told) parts.push(message + '.'); // it starts with a file name: kept as is
      if (!r.secrets_checked) parts.push('Certificates only: the keys archive was not opened, so no secret was checked.');
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
      // The core's archive kinds and words (codeTable()).
      $('archive-list').replaceChildren(...archiveKinds().map(({ kind, file }) => {
        const a = found.get(kind);
        return a
          ? h('li', { 'data-kind': kind }, h('span', { class: 'pill ok', text: 'found' }), h('span', { class: 'name', text: a.name }), h('span', { class: 'hint', text: num(a.entries) + ' file' + (a.entries === 1 ? '' : 's') }))
          : h('li', { 'data-kind': kind }, h('span', { class: 'pill missing', text: 'missing' }), h('span', { class: 'name', text: file }));
      }));
      $('summary').hidden = false;
      $('progress-box').hidden = false;
      $('progress-box').classList.add('complete');
      $('pool-note').textContent = 'Verified ' + num(c.certificates) + ' certificates in ' + (elapsed / 1000).toFixed(1) + ' s with ' + engine.verifierCount + ' worker' + (engine.verifierCount === 1 ? '' : 's') + '.';

      showChips(r.chips, c);

      renderFindings(r.findings || [], r.findings_total);
      $('export-panel').hidden = false;
      $('verdict').focus && $('verdict').setAttribute('tabindex', '-1');
    }

    // Every certificate fails only because its issuer is not trusted, by the same one or two CAs:
    // almost always a test PKI whose CAs were not added. The core's rule and sentence
    // (untrusted_issuer_hint), the same as the CLI's; the page adds where its anchors are added.
    function showTrustHint(r) {
      const hint = typeof r.trust_hint === 'string' ? r.trust_hint : '';
      $('trust-hint').hidden = !hint;
      $('trust-hint-text').textContent = hint ? hint.charAt(0).toUpperCase() + hint.slice(1) : '';
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
      $('findings-body').replaceChildren(...findings.map(findingRow));
      document.querySelector('.findings-wrap').hidden = !total;
      $('findings-panel').hidden = false;
    }

    // Takes the last report out of the page, not only out of sight: after Clear, or when a run
    // begins or fails, nothing of an earlier bundle stays in the document (its reel, its counts,
    // its verdict).
    function clear() {
      $('verdict').className = 'verdict';
      $('verdict-mark').setAttribute('d', '');
      for (const id of ['verdict-title', 'verdict-sub', 's-reel', 's-batch', 's-time', 's-anchors', 'findings-note']) $(id).textContent = '';
      for (const id of ['c-chips', 'c-ok', 'c-failed', 'c-extra', 'c-certs']) $(id).textContent = '0';
      showTrustHint({});
      $('archive-list').replaceChildren();
      $('findings-body').replaceChildren();
    }

    return { renderReport, clear };
  }

  global.RC.setUpResults = setUpResults;
  // A made-up findings row, for the font primer (font_primer.js).
  global.RC.sampleFindingRow = () => findingRow({ code: 'sample', severity: 'error', file: 'Ab', line: 1, chip_id: '0', message: 'Ab' });
})(window);
