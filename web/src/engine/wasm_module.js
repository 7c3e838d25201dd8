// The core's WebAssembly, decoded and compiled once per page and handed to every worker (the
// `load` request), instead of each worker decoding its own base64 copy and asking V8 to compile
// it. A run is no faster for it (V8 already shares the code of identical bytes between the
// workers); a page that starts its workers often is: the e2e suite used 216 CPU-s against 242
// (docs/performance.md).
'use strict';

(function (global) {
  const parts = global.RCEngine;
  const { engineError } = parts;

  // build_web.sh ships the .wasm as base64 in worker-source.js (a plain script, so the page also
  // works from file://, where nothing can be fetched).
  function wasmBytes() {
    const b64 = global.ReelcheckWasmBase64;
    if (typeof b64 !== 'string' || !b64) throw engineError('internal', 'The page is incomplete: worker-source.js did not load.');
    if (typeof Uint8Array.fromBase64 === 'function') return Uint8Array.fromBase64(b64);
    const text = atob(b64);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes;
  }

  let compiled = null;
  // -> a promise of the WebAssembly.Module. WebAssembly.compile works off the page's thread;
  // only the base64 decoding (a few ms) runs on it. A failure is kept: every worker reports it.
  function wasmModule() {
    if (!compiled) {
      compiled = Promise.resolve().then(() => WebAssembly.compile(wasmBytes())).catch((e) => {
        throw e && e.code ? e : engineError('internal', 'The WebAssembly core could not be compiled: ' + (e && e.message ? e.message : String(e)) + '.');
      });
      compiled.catch(() => {});
    }
    return compiled;
  }

  Object.assign(parts, { wasmModule });
})(typeof window !== 'undefined' ? window : self);
