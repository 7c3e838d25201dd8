// The page's engine, as the UI sees it (window.ReelcheckEngine): the workers and the calls on
// them. No DOM here. The parts live in their own files, loaded before this one (build_web.sh):
//   protocol.js      the messages between the page and its workers (shared with the workers)
//   engine_error.js  errors as the UI shows them; answers turned into values or exceptions
//   wasm_module.js   the core's WebAssembly, compiled once for every worker
//   transport_key.js the key's length bound
//   trust_settings.js the trust anchors' fingerprint and per-worker copies
//   worker_client.js one worker: requests by id, events, every message checked
//   verifier_pool.js the verifier workers
//   timings.js       per-phase times of a run
//   scheduler.js     work items from the coordinator dispatched to the verifiers
//   report_view.js   the report view, read strictly
//   run.js           one verification run
'use strict';

(function (global) {
  const parts = global.RCEngine;
  const { engineError, check, cancelled, WorkerClient, workerUrl, wasmModule, VerifierPool, runVerification, checkKey, readView, keyTooLong, poolSize,
    PHASES, MAX_VERIFIERS, MAX_KEY_BYTES } = parts;

  // Two runs' requests ask for the same work: the same File objects in the same order, the same
  // anchors (names and bytes), the same settings and check time. The key is not compared: it
  // is handed over at Verify.
  function sameRequest(a, b) {
    const sameBytes = (x, y) => {
      if (x.byteLength !== y.byteLength) return false;
      const u = new Uint8Array(x), v = new Uint8Array(y);
      for (let i = 0; i < u.length; i++) if (u[i] !== v[i]) return false;
      return true;
    };
    return a.files.length === b.files.length && a.files.every((f, i) => f.file === b.files[i].file && f.name === b.files[i].name) &&
      !!a.certsOnly === !!b.certsOnly && a.useDefaults === b.useDefaults && a.checkTime === b.checkTime &&
      a.anchors.length === b.anchors.length && a.anchors.every((x, i) => x.name === b.anchors[i].name && sameBytes(x.bytes, b.anchors[i].bytes));
  }
  const { MESSAGE, REQUEST } = global.ReelcheckProtocol;
  // The coordinator's heap touched at load: about what a 4,160-chip reel takes there (the
  // bundle's bytes, its outer archive decoded, the inner archives cut out of it, then the
  // report; the heap's high-water mark is 38 MiB). With 24 MiB the report's memory was touched
  // for the first time at the run's end, while both verifiers waited.
  const COORDINATOR_HEAP_TOUCHED = 36 * 1024 * 1024;

  class Engine {
    constructor() {
      this.coordinator = null;
      this.pool = new VerifierPool(); // one per core, kept across runs (each holds a ChainVerifier)
      this.activeRuns = 0;
      this.runToken = 0;
      this.lastTimings = null;  // per-phase times of the last run (no secrets)
      this.staged = null;       // {id, files}: the chosen files the coordinator is reading ahead
      this.stageSeq = 0;
      this.checkTimes = new Map(); // text -> the core's normalised check time (a pure function)
      this.early = null;        // the run begun when the bundle was chosen (begin()), until Verify
      this.coordinatorWarmUp = null; // the coordinator's warm-up: 'pending', 'done' or an error code
    }

    get verifierCount() { return poolSize(); }
    get verifiers() { return this.pool.workers; }

    // Makes the workers' Blob URL and starts compiling the core's WebAssembly (off the page's
    // thread), without starting a worker. The page calls it when idle after loading, so that
    // choosing a bundle or pressing Verify does not pay for either.
    prepare() {
      workerUrl();
      wasmModule();
    }

    // Starts the workers (and their WebAssembly) before they are needed, e.g. when the user
    // picks the bundle: by the time Verify is pressed they are ready. With the trust settings
    // ({anchors: [{name, bytes}], useDefaults}) the verifiers also build their ChainVerifier and
    // its tables now; run() reuses them when the settings are still the same at Verify.
    warmUp(trust) {
      this.ensureCoordinator().call(REQUEST.PING).catch(() => {});
      // During a run the verifiers hold that run's trust settings: a warm-up that read the files
      // before Verify must not put older ones after them in the workers' queues.
      if (!trust || this.activeRuns > 0) {
        this.pool.ping();
        return;
      }
      this.pool.init(trust.anchors, trust.useDefaults).catch(() => {}); // run() reports errors
    }

    // The coordinator reads the chosen files now, while the user types the key, instead of
    // after Verify: files: [File]. run() hands it the staging's id when its files are the same
    // File objects in the same order; otherwise the coordinator reads them at Verify as before.
    stage(files) {
      if (this.activeRuns > 0 || !files.length) return;
      if (this.staged && this.staged.files.length === files.length && this.staged.files.every((f, i) => f === files[i])) return;
      const id = ++this.stageSeq;
      this.staged = { id, files: files.slice() };
      this.ensureCoordinator().call(REQUEST.STAGE, { stageId: id, inputs: files.map((f) => ({ name: f.name, file: f })) }).catch(() => {});
    }

    // The staging id for these files ([{name, file}]), if the coordinator was last asked to read
    // exactly them (it keeps them for every run of these files until the next staging).
    stagedId(files) {
      const s = this.staged;
      if (!s || s.files.length !== files.length || s.files.some((f, i) => f !== files[i].file)) return undefined;
      return s.id;
    }

    // Only a run gives the coordinator its event handler (progress, and the certificate slices
    // it posts while unpacking). Other callers (warm-up, check time) leave it alone: replacing
    // it mid-run would lose slices (the run then stops, failing closed).
    ensureCoordinator(onEvent) {
      if (!this.coordinator || this.coordinator.dead) {
        if (this.coordinator) this.coordinator.terminate();
        // Its heap touched once at load (worker.js touchHeap): the bundle's bytes, the outer
        // archive and its entries are cut from there when the bundle is chosen.
        this.coordinator = new WorkerClient('reelcheck-coordinator', { accepts: [MESSAGE.PROGRESS, MESSAGE.UNPACK, MESSAGE.SLICE], onEvent: onEvent || null, heapBytes: COORDINATOR_HEAP_TOUCHED });
        // Its once-per-run code optimised before the first run: a failure only costs that time,
        // and is kept for the page's tests ('pending', 'done', or the error's code).
        const coordinator = this.coordinator;
        this.coordinatorWarmUp = 'pending';
        coordinator.call(REQUEST.WARM_UP).then(check).then(
          () => { if (this.coordinator === coordinator) this.coordinatorWarmUp = 'done'; },
          (e) => { if (this.coordinator === coordinator) this.coordinatorWarmUp = (e && e.code) || 'failed'; });
      } else if (onEvent) {
        this.coordinator.onEvent = onEvent;
      }
      return this.coordinator;
    }

    // Normalised ISO check time via the core's parser. Kept per text (the parse depends on the
    // text alone), so that Verify does not wait for a round trip to a coordinator that may be
    // busy reading the files: the page asks as soon as the bundle is chosen.
    async checkTime(text) {
      const known = this.checkTimes.get(text);
      if (known) return known;
      const c = this.ensureCoordinator();
      const iso = check(await c.call(REQUEST.CHECK_TIME, { text })).checkTime;
      if (this.checkTimes.size >= 16) this.checkTimes.clear();
      this.checkTimes.set(text, iso);
      return iso;
    }

    async lookup(text) {
      if (!this.coordinator) return null;
      return check(await this.coordinator.call(REQUEST.LOOKUP, { text })).answer;
    }

    async secrets(chipId) {
      if (!this.coordinator) throw engineError('bad_input', 'No bundle is open.');
      return check(await this.coordinator.call(REQUEST.SECRETS, { chipId }));
    }

    // One chip's full record (as in the JSON report), for the detail panel.
    async chip(chipId) {
      if (!this.coordinator) throw engineError('bad_input', 'No bundle is open.');
      return JSON.parse(check(await this.coordinator.call(REQUEST.CHIP, { chipId })).json);
    }

    // Registration files for the cloud, one ZIP written by the core -> {zip: Uint8Array, exported, leftOut, withheld}.
    // (The protocol has checked the answer's fields.)
    async registration(format, slot, includeExtra) {
      if (!this.coordinator) throw engineError('bad_input', 'No bundle is open.');
      return check(await this.coordinator.call(REQUEST.REGISTRATION, { format, slot, includeExtra }));
    }

    async exportReport(format, secrets) {
      if (!this.coordinator) throw engineError('bad_input', 'No bundle is open.');
      const r = check(await this.coordinator.call(REQUEST.EXPORT_REPORT, { format, secrets }));
      return format === 'csv' ? r.csv : r.json;
    }

    // Begins the run for these inputs when they are chosen, before Verify: request as for run()
    // without key and onProgress. The certificate archives are unpacked and the certificates
    // verified while the user types the key; the keys archive waits for run() to hand the key
    // over. run() takes this run over when it asks for the same work; any other request, a new
    // begin() and clear() drop it. Nothing of it is shown before Verify: a failure is kept for
    // run(), which then starts afresh and meets (and shows) it again.
    begin(request) {
      this.dropEarly();
      if (this.activeRuns > 0 || !request.files.length) return;
      let giveKey = null;
      let refuseKey = null;
      const key = new Promise((resolve, reject) => { giveKey = resolve; refuseKey = reject; });
      key.catch(() => {});
      const early = { request, giveKey, refuseKey, listener: null, seen: [], failed: false, token: 0, begunAt: performance.now() };
      const onProgress = (p) => {
        early.seen.push(p);
        if (early.listener) early.listener(p);
      };
      early.promise = runVerification(this, { ...request, key, onProgress });
      early.token = this.runToken; // runVerification took its token before its first await
      early.promise.catch(() => { early.failed = true; });
      this.early = early;
    }

    // The early run ends here (its key, if it comes, is refused and nothing is wiped twice).
    dropEarly() {
      const early = this.early;
      if (!early) return;
      this.early = null;
      early.refuseKey(cancelled());
      if (this.runToken === early.token) this.runToken++; // its loops stop at their next step
    }

    // files: [{name, file: File}] (read by the coordinator), key: Uint8Array (zeroed here after
    // sending), anchors: [{name, bytes: ArrayBuffer}], useDefaults: bool, checkTime: ISO string.
    // onProgress({phase, done, total}). Resolves to the page's view of the report, read strictly
    // (wasm/report_view.hpp: summary, first findings, one row per chip); chip() and
    // exportReport() give the rest.
    // Afterwards this.lastTimings holds {phases: {reading, ...} in ms (they overlap), offsets
    // (each phase's start after the run's), verifiers, slices, begunBeforeVerify: how long
    // before this call the run began (0 unless it was begun when the files were chosen)}.
    async run(request) {
      this.activeRuns++;
      try {
        const early = this.early;
        this.early = null;
        if (early && !early.failed && early.token === this.runToken && sameRequest(early.request, request)) {
          try {
            checkKey(request.key, request.certsOnly); // the same checks as a run begun now
          } catch (e) {
            this.early = early;
            this.dropEarly();
            throw e;
          }
          const begunBeforeVerify = performance.now() - early.begunAt;
          early.listener = request.onProgress || null;
          if (early.listener) for (const p of early.seen) early.listener(p); // what it did so far
          early.giveKey(request.certsOnly ? null : request.key);
          const view = await early.promise;
          this.lastTimings = { ...this.lastTimings, begunBeforeVerify };
          return view;
        }
        if (early) {
          this.early = early;
          this.dropEarly();
        }
        const view = await runVerification(this, request);
        this.lastTimings = { ...this.lastTimings, begunBeforeVerify: 0 };
        return view;
      } finally {
        this.activeRuns--;
      }
    }

    // The WebAssembly heap of every worker after a run, in MiB (wasm memory only grows, so this
    // is the high-water mark): {coordinator, verifierMax, max}.
    async heapUsage() {
      const mib = (bytes) => Math.round(bytes / 1048576);
      const r = this.coordinator ? await this.coordinator.call(REQUEST.MEMORY).catch(() => null) : null;
      const c = mib(r && r.ok ? r.bytes : 0);
      const verifierMax = mib(await this.pool.heapBytes());
      return { coordinator: c, verifierMax, max: Math.max(c, verifierMax) };
    }

    stopVerifiers() {
      this.pool.stop();
    }

    // Ends every worker: the bundle, the key copy and all secrets go with their memory.
    async clear() {
      this.dropEarly();
      this.runToken++;
      this.staged = null;
      this.pool.stop();
      if (this.coordinator) {
        const c = this.coordinator;
        this.coordinator = null;
        try { await Promise.race([c.call(REQUEST.WIPE), new Promise((r) => setTimeout(r, 200))]); } catch (e) { /* ending anyway */ }
        c.terminate();
      }
    }
  }

  global.ReelcheckEngine = { Engine, engineError, readView, keyTooLong, poolSize, PHASES, MAX_VERIFIERS, MAX_KEY_BYTES };
})(typeof window !== 'undefined' ? window : self);
