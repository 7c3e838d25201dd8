// Small DOM helpers, and the words for codes: the page's own few, the core's from its table.
'use strict';

(function (global) {
  const $ = (id) => document.getElementById(id);

  // h('div', {class: 'x', text: '...'}, child, ...) — never innerHTML with data.
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'text') el.textContent = v;
      else if (k === 'class') el.className = v;
      else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }

  function formatBytes(n) {
    if (n < 1024) return n + ' B';
    if (n < 1024 * 1024) return (n / 1024).toFixed(1) + ' KiB';
    return (n / 1024 / 1024).toFixed(1) + ' MiB';
  }

  const fmt = new Intl.NumberFormat('en-US');
  const num = (n) => fmt.format(n);

  // The page's own errors: what stops a run before the core is asked. The core's codes, and
  // every word for them, come from the core's table (codeTable(), reelcheck/codes.hpp).
  const PAGE_ERRORS = {
    no_files: ['No bundle chosen', 'Choose the reel\'s bundle file (or its inner archives) first.'],
    no_key: ['Transport key needed', 'Enter the transport key from the reel\'s sealed letter.'],
    internal: ['Reelcheck stopped unexpectedly', 'An internal error stopped the check. Nothing was sent anywhere. Reload the page and try again; if it persists, report the detail below.'],
  };

  // The core's table once a worker has given it (loadCodes); until then a core code reads as
  // "Verification stopped" with the core's own message as the detail.
  let table = null;
  const byCode = (list, key) => new Map((list || []).map((row) => [row[key], row]));
  function useCodeTable(t) {
    table = { findings: byCode(t.findings, 'code'), errors: byCode(t.errors, 'code'),
      statuses: byCode(t.statuses, 'status'), severities: byCode(t.severities, 'severity'),
      archives: byCode(t.archives, 'kind') };
  }
  // The bundle's archive kinds in the core's order: [{kind, file, words}].
  const archiveKinds = () => (table ? [...table.archives.values()] : []);
  const plainArchive = (kind) => words('archives', kind);
  const hasCodeTable = () => table !== null;

  // The detail is the core's own message (already in words); the code stays out of sight (the
  // page keeps it as data-code for tools and tests).
  function describeError(code, message) {
    const core = table && table.errors.get(code);
    const [title, text] = PAGE_ERRORS[code] || (core ? [core.title, core.text] : ['Verification stopped', 'The bundle could not be verified.']);
    return { title, text, detail: message || '' };
  }
  const isPageError = (code) => Object.prototype.hasOwnProperty.call(PAGE_ERRORS, code);

  // The core's words for a finding or reason code, a chip status and a severity. The codes stay
  // in the JSON and CSV exports (docs/report.md); people read these. A code missing from the
  // table is shown as it is rather than guessed at.
  const words = (map, key) => {
    const row = table && table[map].get(key);
    return row ? (row.words || row.title) : (key || '');
  };
  const plainKind = (code) => words('findings', code);
  const plainSeverity = (s) => words('severities', s);
  const plainStatus = (s) => words('statuses', s);
  const statusLabel = (s) => { const row = table && table.statuses.get(s); return row && row.label ? row.label : plainStatus(s); };

  global.RC = global.RC || {};
  Object.assign(global.RC, { $, h, formatBytes, num, describeError, isPageError, useCodeTable, hasCodeTable, plainKind, plainSeverity, plainStatus, statusLabel, archiveKinds, plainArchive });
})(window);
