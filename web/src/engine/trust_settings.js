// The trust settings of a run ({anchors: [{name, bytes: ArrayBuffer}], useDefaults}) as the
// workers need them.
'use strict';

(function (global) {
  const parts = global.RCEngine;

  // A cheap fingerprint of the trust settings: the verifier workers keep their ChainVerifier (and
  // its P-384 tables) across runs as long as this does not change. Not a security check (the
  // core checks every certificate against the anchors it was given); only a cache key.
  function anchorsKey(anchors, useDefaults) {
    let h = 2166136261 >>> 0;
    const keyParts = [useDefaults ? 'defaults' : 'only'];
    for (const a of anchors || []) {
      const b = new Uint8Array(a.bytes);
      for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 16777619) >>> 0;
      keyParts.push(a.name + ':' + b.length);
    }
    return keyParts.join('|') + '#' + h.toString(16);
  }

  // Each worker gets its own copy of the anchor files: the buffers are transferred, and a
  // transferred buffer is gone from this thread.
  const copyAnchors = (anchors) => (anchors || []).map((a) => ({ name: a.name, bytes: a.bytes.slice(0) }));

  Object.assign(parts, { anchorsKey, copyAnchors });
})(typeof window !== 'undefined' ? window : self);
