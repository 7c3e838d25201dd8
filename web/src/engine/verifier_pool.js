// The verifier workers: one per core, kept across runs, each holding a ChainVerifier built for
// the trust settings of the moment.
'use strict';

(function (global) {
  const parts = global.RCEngine;
  const { WorkerClient, anchorsKey, copyAnchors, check } = parts;
  const { REQUEST } = global.ReelcheckProtocol;

  // One verifier per core; the bound only keeps a many-core machine from holding dozens of
  // 32 MiB WebAssembly heaps in one tab.
  const MAX_VERIFIERS = 16;
  function poolSize() {
    const n = Number(global.navigator && global.navigator.hardwareConcurrency) || 2;
    return Math.max(1, Math.min(MAX_VERIFIERS, n));
  }

  class VerifierPool {
    constructor() {
      this.workers = [];   // WorkerClients
      this.key = null;     // anchorsKey() the workers were initialised with
      this.pending = null; // {key, ready}: an initialisation under way
    }

    get size() { return poolSize(); }

    // The workers, started now if there are none, too few or too many for this machine, or one
    // of them died. A verifier posts no events: anything but an answer ends it.
    ensure() {
      if (this.workers.length !== poolSize() || this.workers.some((v) => v.dead)) {
        this.stop();
        for (let i = 0; i < poolSize(); i++) this.workers.push(new WorkerClient('reelcheck-verifier-' + (i + 1)));
      }
      return this.workers;
    }

    // Loads the WebAssembly of every worker (warm-up without trust settings).
    ping() {
      for (const v of this.ensure()) v.call(REQUEST.PING).catch(() => {});
    }

    // Gives every verifier the trust settings, unless they already have them or are getting
    // them now. Resolves when they are ready.
    init(anchors, useDefaults) {
      const workers = this.ensure();
      const wantedKey = anchorsKey(anchors, useDefaults);
      if (this.key === wantedKey) return Promise.resolve();
      if (this.pending && this.pending.key === wantedKey) return this.pending.ready;
      this.key = null;
      const pending = { key: wantedKey };
      pending.ready = Promise.all(workers.map((v) => v.call(REQUEST.INIT_VERIFIER, { anchors: copyAnchors(anchors), useDefaults })))
        .then((rs) => {
          rs.forEach(check);
          if (this.pending === pending) { this.key = wantedKey; this.pending = null; }
        }, (err) => {
          if (this.pending === pending) this.pending = null;
          throw err;
        });
      this.pending = pending;
      return pending.ready;
    }

    // The largest WebAssembly heap among the verifiers, in bytes (0 when none answers).
    async heapBytes() {
      const answers = await Promise.all(this.workers.map((v) => v.call(REQUEST.MEMORY).catch(() => null)));
      return Math.max(0, ...answers.map((r) => (r && r.ok ? r.bytes : 0)));
    }

    stop() {
      for (const v of this.workers) v.terminate();
      this.workers = [];
      this.key = null;
      this.pending = null;
    }
  }

  Object.assign(parts, { MAX_VERIFIERS, poolSize, VerifierPool });
})(typeof window !== 'undefined' ? window : self);
