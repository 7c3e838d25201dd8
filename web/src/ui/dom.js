// Small DOM helpers and the human wording of the core's error codes. UI only.
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

  // What a person should read for each error code the core (or the page) can return.
  const ERRORS = {
    wrong_key: ['Wrong transport key',
      'The transport key does not open this bundle\'s keys archive. Check the key on the reel\'s sealed letter (it is case-sensitive, and the letter must belong to this reel). Nothing was decrypted and no chip data is shown.'],
    keys_not_encrypted: ['Key files not protected by the transport key',
      'The chips\' secrets (PBS_keys.txt, auto_keys.txt) must come out of the keys archive encrypted with the reel\'s transport key. Here they do not, so nothing shows they came from Infineon: the bundle may have been tampered with. Nothing was verified and no chip data is shown. Download the bundle again from CIRRENT™ Cloud ID.'],
    duplicate_key_file: ['Two sets of key files',
      'The keys archive holds a second PBS_keys.txt or auto_keys.txt. Which one is genuine cannot be told, so neither is used: nothing was verified and no chip data is shown. Download the bundle again from CIRRENT™ Cloud ID.'],
    password_required: ['Transport key needed',
      'The keys archive of this bundle is encrypted. Enter the transport key from the reel\'s sealed letter and verify again.'],
    not_an_archive: ['Not a Cloud ID bundle',
      'This file is not a Cloud ID bundle: expected the reel\'s bundle as a .7z or .zip archive, or its inner archives (…_E0E0_Certs.7z, …_E0E1_Certs.7z, …_E0E2_Certs.7z, …_keys.7z).'],
    corrupt: ['Damaged archive',
      'An archive in the bundle is damaged and cannot be read. Download the bundle again from CIRRENT™ Cloud ID.'],
    truncated: ['Incomplete file',
      'The bundle ends early — the download was probably cut off. Download it again from CIRRENT™ Cloud ID.'],
    crc_mismatch: ['Damaged archive',
      'A file inside the bundle does not match its checksum, so the archive is damaged. Download the bundle again.'],
    unsupported: ['Unsupported archive feature',
      'The bundle uses an archive feature Reelcheck does not support.'],
    limit_exceeded: ['Bundle too large',
      'The bundle exceeds the safety limits for size or number of files (this protects against archive bombs), or this browser tab ran out of memory.'],
    unsafe_name: ['Unsafe file name in the bundle',
      'An archive in the bundle contains a file name that tries to escape its folder. The bundle was rejected.'],
    bad_input: ['Cannot use this input', 'The input could not be used.'],
    bad_check_time: ['Invalid check time', 'Enter the check time as a UTC time like 2026-06-01T00:00:00Z, or press "Now".'],
    no_files: ['No bundle chosen', 'Choose the reel\'s bundle file (or its inner archives) first.'],
    no_key: ['Transport key needed', 'Enter the transport key from the reel\'s sealed letter.'],
    bad_anchor: ['Trust anchor not usable', 'A trust-anchor file could not be read as a PEM or DER certificate.'],
    internal: ['Reelcheck stopped unexpectedly', 'An internal error stopped the check. Nothing was sent anywhere. Reload the page and try again; if it persists, report the detail below.'],
  };

  // The detail is the core's own message (already in words); the code stays out of sight (the
  // page keeps it as data-code for tools and tests).
  function describeError(code, message) {
    const [title, text] = ERRORS[code] || ['Verification stopped', 'The bundle could not be verified.'];
    return { title, text, detail: message || '' };
  }

  // Plain words for the report's problem and finding codes. The codes stay in the JSON and CSV
  // exports (docs/report.md); people read these.
  const KINDS = {
    unparsable: 'Unreadable certificate',
    several_certificates: 'Several certificates in one file',
    path_length_exceeded: 'CA path length exceeded',
    profile_mismatch: 'Not an Infineon device certificate profile',
    signature_invalid: 'Signature does not verify',
    issuer_untrusted: 'Issuer not trusted',
    expired: 'Expired',
    not_yet_valid: 'Not yet valid',
    wrong_key_type: 'Wrong key type for the slot',
    wrong_key_usage: 'Key not allowed for signatures',
    wrong_ca_family: 'Wrong CA for the slot',
    is_ca: 'Device certificate marked as a CA',
    name_mismatch: 'File name does not match',
    shared_public_key: 'Public key shared with another chip',
    duplicate_certificate: 'Two certificates for one slot',
    missing_certificate: 'Certificate missing',
    missing_secret: 'Secret missing',
    bad_key_line: 'Unreadable key-file line',
    duplicate_chip: 'Chip listed twice in a key file',
    verdict_missing: 'Certificate not verified',
    verdict_unexpected: 'Unexpected verification answer',
    missing_archive: 'Archive missing',
    duplicate_archive: 'Second archive of one kind',
    duplicate_bundle: 'Two copies of one reel',
    duplicate_input: 'File chosen twice',
    stray_archive: 'Archive without its reel',
    reel_mismatch: 'Archive of another reel',
    missing_key_file: 'Key file missing',
    unexpected_file: 'Unexpected file',
    header_line: 'Header line',
    ignored_input: 'Not part of a bundle',
  };
  const plainKind = (code) => KINDS[code] || (code ? code.charAt(0).toUpperCase() + code.slice(1).replace(/_/g, ' ') : '');
  const SEVERITIES = { error: 'Error', warning: 'Warning', info: 'Note' };
  const plainSeverity = (s) => SEVERITIES[s] || s;

  global.RC = global.RC || {};
  Object.assign(global.RC, { $, h, formatBytes, num, describeError, plainKind, plainSeverity });
})(window);
