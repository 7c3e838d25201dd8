// The page's engine: starts the Web Workers and drives a verification run. No DOM here.
//
// Workers are created from a Blob of the worker source (the Emscripten glue with the wasm
// embedded, followed by worker.js), which build_web.sh ships as a plain script defining
// ReelcheckWorkerSource. That is what makes the page work from file:// as well as from a
// static host: no fetch, no worker URL, no separate .wasm request.
'use strict';

(function (global) {
  const SLICE_SIZE = 192; // certificates per verifier request

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

  function poolSize() {
    const n = Number(global.navigator && global.navigator.hardwareConcurrency) || 2;
    return Math.max(1, Math.min(8, n));
  }

  class Engine {
    constructor() {
      this.coordinator = null;
      this.verifiers = [];
      this.runToken = 0;
    }

    get verifierCount() { return poolSize(); }

    ensureCoordinator(onEvent) {
      if (!this.coordinator || this.coordinator.dead) {
        if (this.coordinator) this.coordinator.terminate();
        this.coordinator = new WorkerClient('reelcheck-coordinator', onEvent);
      } else {
        this.coordinator.onEvent = onEvent;
      }
      return this.coordinator;
    }

    // Normalised ISO check time via the core's parser.
    async checkTime(text) {
      const c = this.ensureCoordinator(null);
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

    async exportReport(format, secrets) {
      if (!this.coordinator) throw engineError('bad_input', 'No bundle is open.');
      const r = check(await this.coordinator.call('exportReport', { format, secrets }));
      return format === 'csv' ? r.csv : r.json;
    }

    // files: [{name, bytes: ArrayBuffer}] (transferred), key: Uint8Array (zeroed here after
    // sending), anchors: [{name, bytes: ArrayBuffer}], useDefaults: bool, checkTime: ISO string.
    // onProgress({phase, done, total}). Resolves to the report JSON string (report_to_json).
    async run({ files, key, anchors, useDefaults, checkTime, onProgress }) {
      const token = ++this.runToken;
      this.stopVerifiers();
      const progress = (p) => { if (token === this.runToken && onProgress) onProgress(p); };
      const coordinator = this.ensureCoordinator((m) => {
        if (m.type === 'progress') progress({ phase: m.phase, done: m.done, total: m.total });
      });

      // Start the verifiers while the coordinator unpacks and decrypts.
      const n = poolSize();
      const verifiers = [];
      for (let i = 0; i < n; i++) verifiers.push(new WorkerClient('reelcheck-verifier-' + (i + 1)));
      this.verifiers = verifiers;
      const anchorCopies = () => (anchors || []).map((a) => ({ name: a.name, bytes: a.bytes.slice(0) }));
      const verifiersReady = Promise.all(verifiers.map((v) => v.call('initVerifier', { anchors: anchorCopies(), useDefaults })));
      verifiersReady.catch(() => {}); // when opening fails first, the verifiers are just stopped

      progress({ phase: 'reading', done: 0, total: 1 });
      let opened;
      try {
        opened = coordinator.call('open', { inputs: files, key, anchors: anchorCopies(), useDefaults },
                                  files.map((f) => f.bytes));
      } finally {
        key.fill(0); // the worker has its own copy now; this one is no longer needed
      }
      const summary = check(await opened);
      for (const r of await verifiersReady) check(r);
      if (token !== this.runToken) throw engineError('cancelled', 'Stopped.');

      // Verify in slices, each verifier pulling the next slice when it is done.
      const total = summary.certificates;
      const verdicts = [];
      let next = 0;
      let done = 0;
      progress({ phase: 'verifying', done: 0, total });
      const loop = async (v) => {
        while (next < total) {
          const begin = next;
          const end = Math.min(total, begin + SLICE_SIZE);
          next = end;
          const slice = check(await coordinator.call('slice', { begin, end }));
          const r = check(await v.call('verify', { certs: slice.certs, checkTime },
                                       slice.certs.map((c) => c.data.buffer)));
          // Tagged with the slice's place: the core checks that every certificate sent out
          // got its own verdict back (fail closed), so a lost or shuffled batch stops the run.
          verdicts.push({ begin, verdicts: r.verdicts });
          done += r.count;
          progress({ phase: 'verifying', done, total });
        }
      };
      try {
        await Promise.all(verifiers.map(loop));
      } catch (err) {
        this.stopVerifiers(); // the other loops end with 'cancelled', which nobody waits for
        throw err;
      }
      this.stopVerifiers();
      if (token !== this.runToken) throw engineError('cancelled', 'Stopped.');

      progress({ phase: 'reporting', done: 0, total: 1 });
      const report = check(await coordinator.call('report', { verdicts, checkTime }));
      progress({ phase: 'reporting', done: 1, total: 1 });
      return report.json;
    }

    stopVerifiers() {
      for (const v of this.verifiers) v.terminate();
      this.verifiers = [];
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

  global.ReelcheckEngine = { Engine, engineError, poolSize };
})(typeof window !== 'undefined' ? window : self);
