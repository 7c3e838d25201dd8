// One Web Worker seen from the page: requests and their answers matched by id, events (progress,
// certificate slices) handed to whoever drives the run. Every message the worker posts is
// checked against the protocol (protocol.js) before anything else sees it.
//
// Workers are created from a Blob of the worker source (the Emscripten glue, then protocol.js
// and worker.js), which build_web.sh ships as a plain script defining ReelcheckWorkerSource
// (and the .wasm, as ReelcheckWasmBase64, compiled once by the page: wasm_module.js). That is
// what makes the page work from file:// as well as from a static host: no fetch, no worker URL,
// no separate .wasm request.
'use strict';

(function (global) {
  const parts = global.RCEngine;
  const { engineError, cancelled, check, wasmModule } = parts;
  const { MESSAGE, REQUEST, checkRequest, checkEvent, checkAnswer } = global.ReelcheckProtocol;

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

  class WorkerClient {
    // accepts: the event types (protocol EVENTS) this worker may post besides answers and
    // 'fatal': the coordinator posts progress and slices, a verifier nothing. onEvent(message)
    // receives them, already checked; it may be replaced (a run sets its own).
    constructor(name, { accepts = [], onEvent = null, heapBytes = 0 } = {}) {
      this.name = name;
      this.accepts = accepts;
      this.pending = new Map(); // id -> {request: {type, format}, resolve, reject}
      this.nextId = 1;
      this.dead = null;
      this.onEvent = onEvent;
      this.worker = new Worker(workerUrl(), { name });
      this.worker.onmessage = (ev) => this.receive(ev.data);
      this.worker.onerror = (ev) => {
        ev.preventDefault();
        this.fail(engineError('internal', 'A background worker failed: ' + (ev.message || 'unknown error') + '.'));
      };
      // The compiled core, shared by every worker: its first request (the others wait for it).
      wasmModule().then((module) => this.call(REQUEST.LOAD, { module, heapBytes })).then(check).catch((err) => {
        if (this.dead) return;
        this.worker.terminate();
        this.fail(err);
      });
    }

    receive(m) {
      if (this.dead) return;
      const wrong = checkEvent(m, this.accepts);
      if (wrong) return this.broken(wrong);
      if (m.type === MESSAGE.RESULT) {
        const p = this.pending.get(m.id);
        if (!p) return this.broken('an answer to no request');
        this.pending.delete(m.id);
        const bad = checkAnswer(p.request, m.result);
        if (bad) return this.broken('the answer to ' + p.request.type + ': ' + bad, p);
        p.resolve(m.result);
      } else if (m.type === MESSAGE.FATAL) {
        this.fail(engineError('internal', m.message));
      } else if (this.onEvent) {
        this.onEvent(m);
      }
    }

    // Fail closed: a worker that breaks the protocol is ended, and every request it holds (the
    // one whose answer was wrong among them) fails with the reason. Nothing it sent is used.
    broken(what, request) {
      const err = engineError('internal', 'A background worker (' + this.name + ') sent a malformed message (' + what + ').');
      if (request) request.reject(err);
      this.worker.terminate();
      this.fail(err);
    }

    fail(err) {
      this.dead = err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    }

    // -> the worker's answer, checked against the protocol ({ok: false} included: check() in
    // engine_error.js turns that into an exception). A request the protocol does not allow
    // never leaves the page.
    call(type, payload, transfer) {
      if (this.dead) return Promise.reject(this.dead);
      const id = this.nextId++;
      const message = Object.assign({ type, id }, payload || {});
      const wrong = checkRequest(message);
      if (wrong) return Promise.reject(engineError('internal', 'The page built a malformed ' + type + ' request (' + wrong + ').'));
      return new Promise((resolve, reject) => {
        // What checking the answer needs, and no more (never the key or the files).
        this.pending.set(id, { request: { type, format: message.format }, resolve, reject });
        this.worker.postMessage(message, transfer || []);
      });
    }

    terminate() {
      this.worker.terminate();
      this.fail(cancelled());
    }
  }

  Object.assign(parts, { WorkerClient, workerUrl });
})(typeof window !== 'undefined' ? window : self);
