// The report view crosses from the coordinator worker to the page (wasm/report_view.hpp: summary,
// first findings, one row per chip): read it strictly. A field that is missing or of the wrong
// kind, or an "ok" that the counts contradict, is an error, never a page that reads as verified.
'use strict';

(function (global) {
  const parts = global.RCEngine;
  const { engineError } = parts;

  function readView(json) {
    const bad = (what) => engineError('internal', 'The verifier\'s report is incomplete (' + what + ').');
    let v;
    try { v = JSON.parse(json); } catch (e) { throw bad('not JSON'); }
    const isNum = (x) => Number.isInteger(x) && x >= 0;
    const isStr = (x) => typeof x === 'string';
    if (!v || typeof v !== 'object') throw bad('not an object');
    for (const f of ['check_time', 'reel_id', 'batch_id']) if (!isStr(v[f])) throw bad(f);
    if (typeof v.secrets_checked !== 'boolean') throw bad('secrets_checked');
    if (v.verdict !== 'ok' && v.verdict !== 'failed') throw bad('verdict');
    const c = v.counts;
    if (!c || !['chips', 'ok', 'failed', 'extra', 'certificates', 'certificates_ok'].every((f) => isNum(c[f]))) throw bad('counts');
    for (const f of ['trust_anchor_count', 'findings_total', 'error_findings', 'unassigned_certificates']) if (!isNum(v[f])) throw bad(f);
    for (const f of ['archives', 'missing_archives', 'untrusted_issuers', 'findings', 'duplicate_bundles', 'chips']) if (!Array.isArray(v[f])) throw bad(f);
    if (v.chips.length !== c.chips) throw bad('chips');
    const statuses = { ok: 0, failed: 0, extra: 0 };
    for (const row of v.chips) {
      if (!row || !isStr(row.chip_id) || !(row.status in statuses) || !row.slots || !Array.isArray(row.reasons) || !isStr(row.secrets)) throw bad('chip row');
      statuses[row.status]++;
    }
    if (statuses.ok !== c.ok || statuses.failed !== c.failed || statuses.extra !== c.extra) throw bad('chip counts');
    if (c.certificates_ok > c.certificates) throw bad('certificate counts');
    // "verified" only when everything the view can tell agrees: no failed chip or certificate,
    // no certificate left without a chip, no error, no archive missing, every row clean.
    if (v.verdict === 'ok') {
      // Checking certificates only, a missing keys archive is no gap (the core says so as a warning).
      const missing = v.missing_archives.filter((a) => v.secrets_checked || a !== 'keys');
      if (c.failed || v.error_findings || missing.length) throw bad('verdict contradicts the counts');
      if (c.certificates_ok !== c.certificates) throw bad('verdict contradicts the certificate counts');
      if (v.unassigned_certificates) throw bad('verdict contradicts the unassigned certificates');
      if (v.findings.some((f) => !f || f.severity === 'error')) throw bad('verdict contradicts the findings');
      const rowOk = (row) => row.reasons.length === 0 &&
        Object.values(row.slots).every((s) => s === 'ok' || (s === null && row.status === 'extra'));
      if (!v.chips.every(rowOk)) throw bad('verdict contradicts a chip row');
    }
    return v;
  }

  Object.assign(parts, { readView });
})(typeof window !== 'undefined' ? window : self);
