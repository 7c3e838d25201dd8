// The page's engine: starts the Web Workers and drives a verification run. No DOM here.
//
// Workers are created from a Blob of the worker source (the Emscripten glue with the wasm
// embedded, followed by worker.js), which build_web.sh ships as a plain script defining
// ReelcheckWorkerSource. That is what makes the page work from file:// as well as from a
// static host: no fetch, no worker URL, no separate .wasm request.
'use strict';

(function (global) {
  const now = () => performance.now();
  const PHASES = ['reading', 'decompressing', 'decrypting', 'verifying', 'reporting'];

  // A cheap fingerprint of the trust settings: the verifier workers keep their ChainVerifier (and
  // its P-384 tables) across runs as long as this does not change.
  function anchorsKey(anchors, useDefaults) {
    let h = 2166136261 >>> 0;
    const parts = [useDefaults ? 'defaults' : 'only'];
    for (const a of anchors || []) {
      const b = new Uint8Array(a.bytes);
      for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 16777619) >>> 0;
      parts.push(a.name + ':' + b.length);
    }
    return parts.join('|') + '#' + h.toString(16);
  }

  // Each worker gets its own copy of the anchor files (the buffers are transferred).
  const copyAnchors = (anchors) => (anchors || []).map((a) => ({ name: a.name, bytes: a.bytes.slice(0) }));

  let blobUrl = null;
  function workerUrl() {
    if (!blobUrl) {
      if (typeof global.ReelcheckWorkerSource !== 'string') {
        throw engineError('internal', 'The page is incomplete: worker-source.js did not load.');
      }
      blobUrl = URL.createObjectURL(new Blob([global.ReelcheckWorkerSource], { type: 'text/javascript' }));
    }
    return blobUrl;
  }

  function engineError(code, message) {
    const e = new Error(message);
    e.code = code;
    return e;
  }

  // The longest transport key, in bytes after trimming white space as the core does (the core's
  // kMaxTransportKeySize refuses longer ones too, in the same words). A longer "key" is a wrong
  // file or a paste gone wrong: refused before it reaches a worker, whatever its size.
  const MAX_KEY_BYTES = 256;
  function keyTooLong(bytes) {
    const space = (c) => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
    let begin = 0;
    let end = bytes.length;
    while (begin < end && space(bytes[begin])) begin++;
    while (end > begin && space(bytes[end - 1])) end--;
    if (end - begin <= MAX_KEY_BYTES) return null;
    return engineError('bad_input', 'The transport key is longer than ' + MAX_KEY_BYTES + ' bytes (' + (end - begin) +
      '): that is not the key from a reel\'s letter; check that the field holds only the key.');
  }

  // One worker, request/response by id.
  class WorkerClient {
    constructor(name, onEvent) {
      this.name = name;
      this.pending = new Map();
      this.nextId = 1;
      this.dead = null;
      this.onEvent = onEvent;
      this.worker = new Worker(workerUrl(), { name });
      this.worker.onmessage = (ev) => {
        const m = ev.data;
        if (m.type === 'result') {
          const p = this.pending.get(m.id);
          if (p) { this.pending.delete(m.id); p.resolve(m.result); }
        } else if (m.type === 'fatal') {
          this.fail(engineError('internal', m.message));
        } else if (this.onEvent) {
          this.onEvent(m);
        }
      };
      this.worker.onerror = (ev) => {
        ev.preventDefault();
        this.fail(engineError('internal', 'A background worker failed: ' + (ev.message || 'unknown error') + '.'));
      };
    }
    fail(err) {
      this.dead = err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    }
    call(type, payload, transfer) {
      if (this.dead) return Promise.reject(this.dead);
      const id = this.nextId++;
      return new Promise((resolve, reject) => {
        this.pending.set(id, { resolve, reject });
        this.worker.postMessage(Object.assign({ type, id }, payload || {}), transfer || []);
      });
    }
    terminate() {
      this.worker.terminate();
      this.fail(engineError('cancelled', 'Stopped.'));
    }
  }

  // Throws the core's error value as an exception the UI can show.
  function check(result) {
    if (!result || !result.ok) {
      const e = (result && result.error) || { code: 'internal', message: 'No answer from the worker.' };
      throw engineError(e.code, e.message);
    }
    return result;
  }

  // One verifier per core; the bound only keeps a many-core machine from holding dozens of
  // 32 MiB WebAssembly heaps in one tab.
  const MAX_VERIFIERS = 16;
  function poolSize() {
    const n = Number(global.navigator && global.navigator.hardwareConcurrency) || 2;
    return Math.max(1, Math.min(MAX_VERIFIERS, n));
  }

  // The report view crosses from the coordinator worker to the page: read it strictly. A field
  // that is missing or of the wrong kind, or an "ok" that the counts contradict, is an error,
  // never a page that reads as verified.
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

  class Engine {
    constructor() {
      this.coordinator = null;
      this.verifiers = [];      // one per core, kept across runs (each holds a ChainVerifier)
      this.verifiersKey = null; // anchorsKey() the verifiers were initialised with
      this.verifiersPending = null; // {key, ready}: an initialisation under way
      this.activeRuns = 0;
      this.runToken = 0;
      this.lastTimings = null;  // per-phase times of the last run (no secrets)
    }

    get verifierCount() { return poolSize(); }

    // Starts the workers (and their WebAssembly) before they are needed, e.g. when the user
    // picks the bundle: by the time Verify is pressed they are ready. With the trust settings
    // ({anchors: [{name, bytes}], useDefaults}) the verifiers also build their ChainVerifier and
    // its tables now; run() reuses them when the settings are still the same at Verify.
    warmUp(trust) {
      this.ensureCoordinator().call('ping').catch(() => {});
      const verifiers = this.ensureVerifiers();
      // During a run the verifiers hold that run's trust settings: a warm-up that read the files
      // before Verify must not put older ones after them in the workers' queues.
      if (!trust || this.activeRuns > 0) {
        for (const v of verifiers) v.call('ping').catch(() => {});
        return;
      }
      this.initVerifiers(trust.anchors, trust.useDefaults).catch(() => {}); // run() reports errors
    }

    // Gives every verifier the trust settings, unless they already have them or are getting
    // them now. Resolves when they are ready.
    initVerifiers(anchors, useDefaults) {
      const verifiers = this.ensureVerifiers();
      const wantedKey = anchorsKey(anchors, useDefaults);
      if (this.verifiersKey === wantedKey) return Promise.resolve();
      if (this.verifiersPending && this.verifiersPending.key === wantedKey) return this.verifiersPending.ready;
      this.verifiersKey = null;
      const pending = { key: wantedKey };
      pending.ready = Promise.all(verifiers.map((v) => v.call('initVerifier', { anchors: copyAnchors(anchors), useDefaults })))
        .then((rs) => {
          rs.forEach(check);
          if (this.verifiersPending === pending) { this.verifiersKey = wantedKey; this.verifiersPending = null; }
        }, (err) => {
          if (this.verifiersPending === pending) this.verifiersPending = null;
          throw err;
        });
      this.verifiersPending = pending;
      return pending.ready;
    }

    ensureVerifiers() {
      if (this.verifiers.length !== poolSize() || this.verifiers.some((v) => v.dead)) {
        this.stopVerifiers();
        for (let i = 0; i < poolSize(); i++) this.verifiers.push(new WorkerClient('reelcheck-verifier-' + (i + 1)));
      }
      return this.verifiers;
    }

    // Only a run gives the coordinator its event handler (progress, and the certificate slices
    // it posts while unpacking). Other callers (warm-up, check time) leave it alone: replacing
    // it mid-run would lose slices (the run then stops, failing closed).
    ensureCoordinator(onEvent) {
      if (!this.coordinator || this.coordinator.dead) {
        if (this.coordinator) this.coordinator.terminate();
        this.coordinator = new WorkerClient('reelcheck-coordinator', onEvent || null);
      } else if (onEvent) {
        this.coordinator.onEvent = onEvent;
      }
      return this.coordinator;
    }

    // Normalised ISO check time via the core's parser.
    async checkTime(text) {
      const c = this.ensureCoordinator();
      return check(await c.call('checkTime', { text })).checkTime;
    }

    async lookup(text) {
      if (!this.coordinator) return null;
      return check(await this.coordinator.call('lookup', { text })).chipId;
    }

    async secrets(chipId) {
      if (!this.coordinator) throw engineError('bad_input', 'No bundle is open.');
      return check(await this.coordinator.call('secrets', { chipId }));
    }

    // One chip's full record (as in the JSON report), for the detail panel.
    async chip(chipId) {
      if (!this.coordinator) throw engineError('bad_input', 'No bundle is open.');
      return JSON.parse(check(await this.coordinator.call('chip', { chipId })).json);
    }

    // Registration files for the cloud, one ZIP written by the core -> {zip: Uint8Array, exported, leftOut, withheld}.
    async registration(format, slot, includeExtra) {
      if (!this.coordinator) throw engineError('bad_input', 'No bundle is open.');
      const r = check(await this.coordinator.call('registration', { format, slot, includeExtra }));
      if (!(r.zip instanceof Uint8Array) || ![r.exported, r.leftOut, r.withheld].every(Number.isInteger)) {
        throw engineError('internal', 'The registration export came back incomplete.');
      }
      return r;
    }

    async exportReport(format, secrets) {
      if (!this.coordinator) throw engineError('bad_input', 'No bundle is open.');
      const r = check(await this.coordinator.call('exportReport', { format, secrets }));
      return format === 'csv' ? r.csv : r.json;
    }

    // files: [{name, bytes: ArrayBuffer}] (transferred), key: Uint8Array (zeroed here after
    // sending), anchors: [{name, bytes: ArrayBuffer}], useDefaults: bool, checkTime: ISO string.
    // onProgress({phase, done, total}). Resolves to the page's view of the report, read strictly
    // (wasm/report_view.hpp: summary, first findings, one row per chip); chip() and
    // exportReport() give the rest.
    // Afterwards this.lastTimings holds {phases: {reading, ...} in ms (they overlap), offsets
    // (each phase's start after the run's), verifiers, slices}.
    async run(request) {
      this.activeRuns++;
      try {
        return await this.runOnce(request);
      } finally {
        this.activeRuns--;
      }
    }

    // certsOnly: no key (null) and the keys archive is not opened; otherwise key is required.
    async runOnce({ files, key, certsOnly, anchors, useDefaults, checkTime, onProgress }) {
      if (certsOnly) {
        if (key) { key.fill(0); throw engineError('internal', 'A transport key was handed to a certificates-only run.'); }
      } else {
        if (!(key instanceof Uint8Array)) throw engineError('no_key', 'The transport key is needed.');
        const tooLong = keyTooLong(key);
        if (tooLong) { key.fill(0); throw tooLong; }
      }
      const token = ++this.runToken;
      const started = now();
      // Phases overlap (verifying starts while later archives are still unpacked): each one's
      // time runs from its first progress event to its last.
      const spans = {};
      const progress = (p) => {
        if (token !== this.runToken) return;
        const t = now();
        const span = spans[p.phase] || (spans[p.phase] = { start: t, end: t });
        span.end = t;
        if (onProgress) onProgress(p);
      };

      // Certificate slices arrive from the coordinator while it still unpacks (each archive as
      // soon as it is done) and wait here for a verifier. `total` is known once open() answers;
      // every slice was posted before that answer.
      const queue = [];
      let streamed = 0;
      let total = null;
      let openFailed = null;
      let wake = [];
      const notify = () => { const w = wake; wake = []; for (const f of w) f(); };
      const coordinator = this.ensureCoordinator((m) => {
        if (token !== this.runToken) return;
        if (m.type === 'progress') {
          progress({ phase: m.phase, done: m.done, total: m.total });
        } else if (m.type === 'slice') {
          if (!(m.bytes instanceof Uint8Array) || !Number.isInteger(m.begin) || !Number.isInteger(m.count) || m.count <= 0) {
            openFailed = openFailed || engineError('internal', 'A certificate slice from the coordinator is malformed.');
          } else {
            queue.push({ begin: m.begin, count: m.count, bytes: m.bytes });
            streamed += m.count;
          }
          notify();
        }
      });
      // The next slice, waiting for the coordinator if needed; null once all are handed out.
      const nextSlice = async () => {
        for (;;) {
          if (openFailed) throw openFailed;
          if (token !== this.runToken) throw engineError('cancelled', 'Stopped.');
          if (queue.length) return queue.shift();
          if (total !== null) return null;
          await new Promise((resolve) => wake.push(resolve));
        }
      };

      // The verifiers (kept from an earlier run, or started now) get the trust anchors while the
      // coordinator unpacks and decrypts; they rebuild their ChainVerifier only when these change.
      const verifiers = this.ensureVerifiers();
      const verifiersReady = this.initVerifiers(anchors, useDefaults);
      verifiersReady.catch(() => {}); // when opening fails first, that error is the one shown

      progress({ phase: 'reading', done: 0, total: 1 });
      let opening;
      try {
        opening = coordinator.call('open', { inputs: files, key, certsOnly: !!certsOnly, anchors: copyAnchors(anchors), useDefaults, verifiers: verifiers.length },
                                   files.map((f) => f.bytes));
      } finally {
        if (key) key.fill(0); // the worker has its own copy now; this one is no longer needed
      }
      const opened = opening.then(check).then((summary) => {
        if (!Number.isInteger(summary.certificates) || summary.certificates !== streamed) {
          // Fail closed: the verifiers must have been given every certificate, once.
          throw engineError('internal', 'The coordinator handed out ' + streamed + ' of ' + summary.certificates + ' certificates.');
        }
        total = summary.certificates;
        notify();
        return summary;
      }).catch((err) => {
        openFailed = openFailed || err;
        notify();
        throw err;
      });

      // Each verifier takes the next slice as soon as it has one, and keeps a second one queued
      // in its worker, so it never waits for a message round trip. Slices and verdicts travel as
      // one buffer each (wasm/wire), transferred, never copied, on every hop.
      const verdicts = [];
      let done = 0;
      let slices = 0;
      let busyMs = 0;
      const verifyProgress = () => progress({ phase: 'verifying', done, total: total !== null ? total : streamed, final: total !== null });
      const loop = async (v) => {
        await verifiersReady;
        const inFlight = [];
        const send = (slice) => {
          if (!slices++) verifyProgress(); // the verifying phase starts with the first slice
          const answer = v.call('verify', { bytes: slice.bytes, checkTime }, [slice.bytes.buffer]).then((r) => ({ slice, r: check(r) }));
          answer.catch(() => {}); // seen when awaited; unawaited ones belong to a failed run
          inFlight.push(answer);
        };
        for (;;) {
          while (inFlight.length < 2 && queue.length) send(queue.shift());
          if (!inFlight.length) {
            const slice = await nextSlice();
            if (!slice) return;
            send(slice);
            continue;
          }
          const { slice, r } = await inFlight.shift();
          if (token !== this.runToken) throw engineError('cancelled', 'Stopped.');
          // Tagged with the slice's place: the core checks that every certificate sent out
          // got its own verdict back (fail closed), so a lost or shuffled batch stops the run.
          verdicts.push({ begin: slice.begin, verdicts: r.verdicts });
          done += r.count;
          busyMs += r.ms || 0;
          verifyProgress();
        }
      };
      const verifying = Promise.all(verifiers.map(loop));
      verifying.catch(() => {});

      try {
        await opened;
      } catch (err) {
        // Slices a verifier is still on are dropped with their answers; the workers stay.
        if (token === this.runToken) this.runToken++;
        throw err;
      }
      try {
        await verifying;
      } catch (err) {
        this.stopVerifiers(); // the other loops end with 'cancelled', which nobody waits for
        throw err;
      }
      if (token !== this.runToken) throw engineError('cancelled', 'Stopped.');
      if (done !== total) throw engineError('internal', 'Verification is incomplete: ' + done + ' of ' + total + ' certificates came back.');
      if (!slices) verifyProgress(); // a bundle without certificates still shows the phase

      progress({ phase: 'reporting', done: 0, total: 1 });
      const report = check(await coordinator.call('report', { verdicts, checkTime }, verdicts.map((b) => b.verdicts.buffer)));
      progress({ phase: 'reporting', done: 1, total: 1 });
      const finished = now();

      const phases = {};
      const offsets = {};
      for (const p of PHASES) {
        if (!(p in spans)) continue;
        const end = p === 'reporting' ? finished : spans[p].end;
        phases[p] = Math.max(0, end - spans[p].start);
        offsets[p] = spans[p].start - started;
      }
      this.lastTimings = { phases, offsets, total: finished - started, verifiers: verifiers.length, slices,
        verifierBusy: busyMs, certificates: total };
      return readView(report.view);
    }

    // The WebAssembly heap of every worker after a run, in MiB (wasm memory only grows, so this
    // is the high-water mark): {coordinator, verifierMax, max}.
    async heapUsage() {
      const mib = (r) => (r && r.ok ? Math.round(r.bytes / 1048576) : 0);
      const c = this.coordinator ? mib(await this.coordinator.call('memory').catch(() => null)) : 0;
      const vs = await Promise.all(this.verifiers.map((v) => v.call('memory').catch(() => null)));
      const verifierMax = Math.max(0, ...vs.map(mib));
      return { coordinator: c, verifierMax, max: Math.max(c, verifierMax) };
    }

    stopVerifiers() {
      for (const v of this.verifiers) v.terminate();
      this.verifiers = [];
      this.verifiersKey = null;
      this.verifiersPending = null;
    }

    // Ends every worker: the bundle, the key copy and all secrets go with their memory.
    async clear() {
      this.runToken++;
      this.stopVerifiers();
      if (this.coordinator) {
        const c = this.coordinator;
        this.coordinator = null;
        try { await Promise.race([c.call('wipe'), new Promise((r) => setTimeout(r, 200))]); } catch (e) { /* ending anyway */ }
        c.terminate();
      }
    }
  }

  global.ReelcheckEngine = { Engine, engineError, readView, keyTooLong, poolSize, PHASES, MAX_VERIFIERS, MAX_KEY_BYTES };
})(typeof window !== 'undefined' ? window : self);
