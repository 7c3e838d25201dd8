// The worker protocol, written once: every message between the page and its workers, with the
// shape of each field. Loaded by both sides: into the page's script (before the engine) and into
// the workers' Blob (after the Emscripten glue, before worker.js; see scripts/build_web.sh). No
// DOM and no wasm here, only plain values.
//
// Page -> worker: a request {type, id, ...fields of REQUESTS[type].fields}.
// Worker -> page:
//   {type: 'result', id, result}   the answer to request `id`; result is the core's own value:
//                                  {ok: true, ...fields of REQUESTS[type].answer} or
//                                  {ok: false, error: {code, message}}
//   {type: 'progress', run, phase, done, total}   coordinator, as the core's session goes
//   The session's work items, posted by the coordinator for the verifier workers (during open
//   and addUnpacked, before their answers), each one transferred buffer:
//   {type: 'unpack', run, archive, name, slot, bytes, maxTotalSize}   a certificate archive to
//                                  unpack (Verifier.unpackArchive); every one is posted before
//                                  open's answer, which says how many
//   {type: 'slice', run, archive, begin, count, bytes}   certificates begin .. begin+count-1 of
//                                  an unpacked archive to verify, with the run's check time and
//                                  anchors' fingerprint inside (wasm/wire/); it names them: the
//                                  verifier that takes it holds them (it unpacked the archive,
//                                  or was handed the archive's outcome: adopt)
//   `run` is the open request's: a run begun while the user still chooses (the page starts
//   one when the bundle is chosen) may be replaced by the next, and the page takes only the
//   events of the run it is driving.
//   {type: 'fatal', message}       the worker's WebAssembly aborted; the worker is lost
//
// Each side checks what it receives against these tables (checkRequest in the worker,
// checkEvent / checkAnswer in the page). Fail closed: a message with a field missing, of the
// wrong kind or not in the table is refused as a whole. It is never repaired or half-read, and
// no default stands in for a missing field.
'use strict';

(function (global) {
  // The run's phases, in order: the core's Phase names (core/include/reelcheck/bundle.hpp), as
  // the coordinator reports them and the page shows them.
  const PHASES = ['reading', 'decompressing', 'decrypting', 'verifying', 'reporting'];

  // Field kinds. A kind ending in '?' may be absent (undefined); null is never "absent".
  const isFile = (f) => f !== null && typeof f === 'object' && typeof f.name === 'string' && f.bytes instanceof ArrayBuffer &&
    Object.keys(f).length === 2;
  const isChosenFile = (f) => f !== null && typeof f === 'object' && typeof f.name === 'string' &&
    typeof Blob === 'function' && f.file instanceof Blob && Object.keys(f).length === 2;
  const KINDS = {
    string: (x) => typeof x === 'string',
    bool: (x) => typeof x === 'boolean',
    count: (x) => Number.isInteger(x) && x >= 0,        // 0, 1, 2, ...
    positive: (x) => Number.isInteger(x) && x > 0,      // 1, 2, ...
    ms: (x) => typeof x === 'number' && Number.isFinite(x) && x >= 0,
    bytes: (x) => x instanceof Uint8Array,
    bytesOrNull: (x) => x === null || x instanceof Uint8Array,
    stringOrNull: (x) => x === null || typeof x === 'string',
    phase: (x) => PHASES.includes(x),
    files: (x) => Array.isArray(x) && x.every(isFile),  // [{name, bytes: ArrayBuffer}], transferred
    // [{name, file: File}]: the files as the user chose them, read by the worker that gets them
    // (reading a bundle of megabytes on the page's thread would hold it for tens of ms).
    chosenFiles: (x) => Array.isArray(x) && x.every(isChosenFile),
    slot: (x) => x === 'E0E0' || x === 'E0E1' || x === 'E0E2',
    // The core's LookupAnswer (lookup_answer_to_json_line): the page shows its message.
    lookupAnswer: (x) => x !== null && typeof x === 'object' && typeof x.query === 'string' &&
      ['found', 'not_in_reel', 'malformed', 'certificate_mismatch'].includes(x.answer) &&
      typeof x.chip_id === 'string' && typeof x.message === 'string',
    // The core's code table (code_table_json): the page's words for codes, statuses, severities.
    codeTable: (x) => x !== null && typeof x === 'object' &&
      ['findings', 'errors', 'statuses', 'severities', 'archives'].every((k) => Array.isArray(x[k])),
    exportFormat: (x) => x === 'json' || x === 'csv',
    wasmModule: (x) => typeof WebAssembly === 'object' && x instanceof WebAssembly.Module,
  };

  // wasm/wire/key_wire.hpp's kDerivedKeyWireSize.
  const DERIVED_KEY_BYTES = 69;

  // Every request: its fields (besides type and id) and the fields of its answer when ok.
  // `role` says which worker serves it; the worker does not care, the page's clients do.
  const REQUESTS = {
    // Either role, first of all: the core's WebAssembly, compiled once by the page for every
    // worker (wasm_module.js); the worker instantiates it. Every other request waits for it.
    // heapBytes: how much of its heap the worker writes into once, then frees (0: none).
    load: { role: 'any', fields: { module: 'wasmModule', heapBytes: 'count' }, answer: {} },
    // Either role: wait until the WebAssembly is loaded (warm-up), or report the heap's size.
    ping: { role: 'any', fields: {}, answer: {} },
    memory: { role: 'any', fields: {}, answer: { bytes: 'count' } },
    codes: { role: 'any', fields: {}, answer: { table: 'codeTable' } },
    // Coordinator.
    // Once, after loading: the code a run's end needs (key files, hand-off, report, view) run on
    // made-up reels, and the LZMA decoder the verifiers share on zeros (wasm/coordinator_warm_up.hpp),
    // so that V8 has optimised them by the first run.
    warmUp: { role: 'coordinator', fields: {}, answer: {} },
    checkTime: { role: 'coordinator', fields: { text: 'string' }, answer: { checkTime: 'string' } },
    lookup: { role: 'coordinator', fields: { text: 'string' }, answer: { answer: 'lookupAnswer' } },
    // The files just chosen, read now (while the user types the key): an open with this
    // `stageId` takes their bytes instead of reading the files again. One staging at a time; the
    // next staging and wipe drop it. Public bytes only: no key, no setting.
    stage: { role: 'coordinator', fields: { stageId: 'positive', inputs: 'chosenFiles' }, answer: {} },
    // No key: it comes with decrypt, at Verify (a run may begin when the bundle is chosen).
    // run: the page's number for this run, which the session's events carry. certsOnly: the
    // keys archive is listed, never opened. verifiers: how many verifier workers the slices are
    // cut for; checkTime: the run's (every verdict must be reached at it). stageId: the staging
    // of these same inputs, if there was one (the inputs are read again when it is not this
    // worker's latest or its reading failed). The answer: how many archives were posted to
    // unpack.
    open: {
      role: 'coordinator',
      fields: { run: 'positive', inputs: 'chosenFiles', stageId: 'positive?', certsOnly: 'bool', anchors: 'files', useDefaults: 'bool', verifiers: 'positive', checkTime: 'string' },
      answer: { archives: 'count' },
    },
    // A verifier's outcome of an unpack item; the archive's slices are posted before the answer.
    // The answer hands the outcome's bytes back (read, not changed), for a verifier that takes a
    // slice of this archive without having unpacked it (adopt).
    addUnpacked: { role: 'coordinator', fields: { outcome: 'bytes' }, answer: { outcome: 'bytes' } },
    // The keys archive, decrypted in the coordinator once every archive's outcome is in and
    // Verify was pressed; the answer is the run's error, if it has one, a wrong key first of all.
    // key: the transport key's bytes (a copy owned by the worker, wiped there, however decrypt
    // ends); null for a certificates-only run, whose keys archive is never opened. derived: the
    // keys archive's AES key a verifier derived from the same key (deriveKey; transferred, wiped
    // there), which spares the coordinator the derivation; keyDerivedAhead: whether it did.
    decrypt: {
      role: 'coordinator', fields: { key: 'bytesOrNull', derived: 'bytes?' }, answer: { keyDerivedAhead: 'bool' },
      check: (m) => (m.derived !== undefined && m.key === null ? 'derived' : null),
    },
    // One slice's verdicts as a verifier sent them (transferred on), as each comes back: each
    // names its place and terms inside, and the core checks it at once against what it handed
    // out. A refused batch is the run's error.
    addVerdicts: { role: 'coordinator', fields: { verdicts: 'bytes' }, answer: {} },
    // Once every slice's verdicts are in and the keys archive is read: the report's view.
    report: { role: 'coordinator', fields: {}, answer: { view: 'string' } },
    chip: { role: 'coordinator', fields: { chipId: 'string' }, answer: { json: 'string' } },
    exportReport: {
      role: 'coordinator', fields: { format: 'exportFormat', secrets: 'bool' }, answer: { json: 'string?', csv: 'string?' },
      checkAnswer: (r, m) => (typeof r[m.format] === 'string' && Object.keys(r).length === 2 ? null : m.format),
    },
    registration: {
      role: 'coordinator', fields: { format: 'string', slot: 'string', includeExtra: 'bool' },
      answer: { zip: 'bytes', exported: 'count', leftOut: 'count', withheld: 'count' },
    },
    secrets: { role: 'coordinator', fields: { chipId: 'string' }, answer: { chipId: 'string', pbs: 'stringOrNull', auth: 'stringOrNull' } },
    wipe: { role: 'coordinator', fields: {}, answer: {} },
    // Verifier.
    // The keys archive's AES key from the transport key (a copy, transferred, wiped there), at
    // Verify, on a verifier with nothing else to do yet. derived: the key in the wire format of
    // wasm/wire/key_wire.hpp (transferred on to decrypt; the page wipes what it holds of it).
    deriveKey: {
      role: 'verifier', fields: { key: 'bytes' }, answer: { derived: 'bytes', ms: 'ms' },
      checkAnswer: (r) => (r.derived.length === DERIVED_KEY_BYTES ? null : 'derived'),
    },
    initVerifier: { role: 'verifier', fields: { anchors: 'files', useDefaults: 'bool' }, answer: {} },
    // An unpack item of run `run` as the coordinator posted it (bytes transferred on). Answer:
    // the outcome in the wire format (the certificates, or why the archive could not be read)
    // and the time. The verifier keeps the certificates for the run's slices of the archive.
    unpack: {
      role: 'verifier',
      fields: { run: 'positive', archive: 'count', name: 'string', slot: 'slot', bytes: 'bytes', maxTotalSize: 'count' },
      answer: { outcome: 'bytes', ms: 'ms' },
    },
    // Another verifier's outcome of an archive of run `run` (as addUnpacked handed it back),
    // before this verifier's first slice of that archive; the answer hands the bytes back again.
    adopt: { role: 'verifier', fields: { run: 'positive', outcome: 'bytes' }, answer: { outcome: 'bytes', ms: 'ms' } },
    // bytes: one certificate slice of run `run` as the coordinator posted it (transferred on),
    // naming certificates this verifier holds (unpack, adopt). Answer: the verdicts in the wire
    // format (transferred back), how many, and the worker's time on it.
    verify: { role: 'verifier', fields: { run: 'positive', bytes: 'bytes' }, answer: { verdicts: 'bytes', count: 'count', ms: 'ms' } },
  };

  // Messages a worker posts on its own (no request id). The core builds unpack and slice
  // (wasm/bundle_session.cpp); the worker checks its samples of them against these as it loads.
  const EVENTS = {
    progress: { run: 'positive', phase: 'phase', done: 'count', total: 'count' },
    unpack: { run: 'positive', archive: 'count', name: 'string', slot: 'slot', bytes: 'bytes', maxTotalSize: 'count' },
    slice: { run: 'positive', archive: 'count', begin: 'count', count: 'positive', bytes: 'bytes' },
    fatal: { message: 'string' },
  };
  // The type names, for code to use instead of bare strings (a typo is then undefined, which
  // both sides refuse, instead of a new message type).
  const MESSAGE = Object.freeze({ RESULT: 'result', PROGRESS: 'progress', UNPACK: 'unpack', SLICE: 'slice', FATAL: 'fatal' });
  const RESULT = MESSAGE.RESULT;
  // REQUEST.OPEN === 'open', REQUEST.CHECK_TIME === 'checkTime', ...
  const REQUEST = Object.freeze(Object.fromEntries(Object.keys(REQUESTS).map((t) => [t.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase(), t])));

  // null when `obj` has exactly `spec`'s fields (plus `extra` names) of the right kinds,
  // otherwise the first field that is wrong.
  function checkFields(obj, spec, extra) {
    if (obj === null || typeof obj !== 'object') return 'not an object';
    for (const [name, kind] of Object.entries(spec)) {
      const optional = kind.endsWith('?');
      const value = obj[name];
      if (value === undefined && optional) continue;
      if (!KINDS[optional ? kind.slice(0, -1) : kind](value)) return name;
    }
    for (const name of Object.keys(obj)) {
      if (!(name in spec) && !extra.includes(name)) return 'unexpected field ' + name;
    }
    return null;
  }

  // Worker side: a request from the page. -> null, or what is wrong with it.
  function checkRequest(msg) {
    if (msg === null || typeof msg !== 'object') return 'not an object';
    const def = Object.prototype.hasOwnProperty.call(REQUESTS, msg.type) ? REQUESTS[msg.type] : null;
    if (!def) return 'unknown request ' + JSON.stringify(String(msg.type));
    if (!KINDS.positive(msg.id)) return 'id';
    return checkFields(msg, def.fields, ['type', 'id']) || (def.check ? def.check(msg) : null);
  }

  // Page side: a message from a worker. `accepts`: the event types this worker may post besides
  // results and fatal. -> null, or what is wrong with it.
  function checkEvent(msg, accepts) {
    if (msg === null || typeof msg !== 'object') return 'not an object';
    if (msg.type === RESULT) {
      if (!KINDS.positive(msg.id)) return 'result without a request id';
      if (msg.result === null || typeof msg.result !== 'object') return 'result without an answer';
      return checkFields(msg, {}, ['type', 'id', 'result']);
    }
    const spec = Object.prototype.hasOwnProperty.call(EVENTS, msg.type) ? EVENTS[msg.type] : null;
    if (!spec || (msg.type !== 'fatal' && !accepts.includes(msg.type))) return 'unexpected message ' + JSON.stringify(String(msg.type));
    const wrong = checkFields(msg, spec, ['type']);
    if (wrong) return msg.type + ': ' + wrong;
    if (msg.type === 'progress' && msg.done > msg.total) return 'progress: done > total';
    return null;
  }

  // Page side: the answer to `request` ({type, ...fields}). {ok: false} must carry the core's
  // error {code, message}; {ok: true} exactly the fields of REQUESTS[type].answer.
  // -> null, or what is wrong with it.
  function checkAnswer(request, result) {
    if (result === null || typeof result !== 'object' || typeof result.ok !== 'boolean') return 'ok';
    if (!result.ok) {
      const e = result.error;
      if (e === null || typeof e !== 'object' || typeof e.code !== 'string' || !e.code || typeof e.message !== 'string') return 'error';
      return checkFields(result, {}, ['ok', 'error']);
    }
    const def = REQUESTS[request.type];
    return checkFields(result, def.answer, ['ok']) || (def.checkAnswer ? def.checkAnswer(result, request) : null);
  }

  global.ReelcheckProtocol = Object.freeze({ PHASES, REQUESTS, EVENTS, MESSAGE, REQUEST, checkRequest, checkEvent, checkAnswer });
})(typeof globalThis !== 'undefined' ? globalThis : self);
