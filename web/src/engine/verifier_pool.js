// The verifier workers: one per core, kept across runs, each holding a ChainVerifier built for
// the trust settings of the moment.
'use strict';

(function (global) {
  const parts = global.RCEngine;
  const { WorkerClient, anchorsKey, copyAnchors, check, cancelled } = parts;
  const { REQUEST } = global.ReelcheckProtocol;

  // One verifier per core; the bound only keeps a many-core machine from holding dozens of
  // 32 MiB WebAssembly heaps in one tab.
  const MAX_VERIFIERS = 16;
  // Each verifier's heap touched once at load (worker.js touchHeap): a certificate archive's
  // bytes, what it unpacks to and its outcome are cut from there.
  const VERIFIER_HEAP_TOUCHED = 16 * 1024 * 1024;
  function poolSize() {
    const n = Number(global.navigator && global.navigator.hardwareConcurrency) || 2;
    return Math.max(1, Math.min(MAX_VERIFIERS, n));
  }

  class VerifierPool {
    constructor() {
      this.workers = [];   // WorkerClients
      this.key = null;     // anchorsKey() the workers were initialised with
      this.pending = null; // {key, ready}: the initialisation posted to the workers
      this.queued = null;  // {key, anchors, useDefaults, ready}: the latest one asked for meanwhile
    }

    get size() { return poolSize(); }

    // The workers, started now if there are none, too few or too many for this machine, or one
    // of them died. A verifier posts no events: anything but an answer ends it.
    ensure() {
      if (this.workers.length !== poolSize() || this.workers.some((v) => v.dead)) {
        this.stop();
        for (let i = 0; i < poolSize(); i++) this.workers.push(new WorkerClient('reelcheck-verifier-' + (i + 1), { heapBytes: VERIFIER_HEAP_TOUCHED }));
      }
      return this.workers;
    }

    // Loads the WebAssembly of every worker (warm-up without trust settings).
    ping() {
      for (const v of this.ensure()) v.call(REQUEST.PING).catch(() => {});
    }

    // Gives every verifier the trust settings, unless they already have them or are getting
    // them now. Resolves when they are ready. One initialisation is posted at a time: settings
    // asked for meanwhile wait, and only the latest of them is posted when it ends, so settings
    // replaced before their turn (anchors chosen, then "only these anchors" ticked a moment
    // later) never cost the workers a ChainVerifier and its tables. A replaced request rejects
    // as cancelled (only warm-ups, which ignore it, and runs already stopped ask that way).
    init(anchors, useDefaults) {
      this.ensure();
      const wantedKey = anchorsKey(anchors, useDefaults);
      if (this.pending) {
        if (this.queued && this.queued.key === wantedKey) return this.queued.ready;
        this.dropQueued();
        if (this.pending.key === wantedKey) return this.pending.ready;
        const queued = { key: wantedKey, anchors, useDefaults };
        queued.ready = new Promise((resolve, reject) => { queued.resolve = resolve; queued.reject = reject; });
        this.queued = queued;
        return queued.ready;
      }
      if (this.key === wantedKey) return Promise.resolve();
      return this.post(wantedKey, anchors, useDefaults);
    }

    post(wantedKey, anchors, useDefaults) {
      this.key = null;
      const pending = { key: wantedKey };
      pending.ready = Promise.all(this.workers.map((v) => v.call(REQUEST.INIT_VERIFIER, { anchors: copyAnchors(anchors), useDefaults })))
        .then((rs) => {
          rs.forEach(check);
          if (this.pending === pending) this.key = wantedKey;
        })
        .finally(() => {
          if (this.pending !== pending) return; // stopped meanwhile
          this.pending = null;
          const next = this.queued;
          this.queued = null;
          if (next) this.post(next.key, next.anchors, next.useDefaults).then(next.resolve, next.reject);
        });
      this.pending = pending;
      return pending.ready;
    }

    dropQueued() {
      if (!this.queued) return;
      this.queued.reject(cancelled());
      this.queued = null;
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
      this.dropQueued();
    }
  }

  Object.assign(parts, { MAX_VERIFIERS, poolSize, VerifierPool });
})(typeof window !== 'undefined' ? window : self);
