// Runs inside a Web Worker, after the Emscripten glue (createReelcheckModule) and protocol.js
// (ReelcheckProtocol) in the same Blob. One script, two roles, chosen by the first message:
//   coordinator: holds the BundleSession (inputs, transport key, decrypted bundle, report);
//   verifier:    holds one Verifier: unpacks certificate archives, checks certificate slices.
// The messages are protocol.js's: every request carries an id and is checked against the
// protocol before a handler sees it; every answer is {type: 'result', id, result} where result
// is the core's own {ok, ...} value. Nothing is logged: the Emscripten print hooks are silenced.
'use strict';

const { MESSAGE, REQUESTS, checkRequest, checkEvent } = self.ReelcheckProtocol;

// The coordinator posts the work items as the core builds them (wasm/bundle_session.cpp), and
// the page refuses any that is not protocol.js's. Checked once, on the core's own samples, as
// it loads: a core and a protocol.js that disagree fail every request, before any run starts.
const WORK_ITEMS = [MESSAGE.UNPACK, MESSAGE.SLICE];
function checkWorkItems(M) {
  const samples = M.workItemSamples();
  const types = samples.map((item) => item && item.type);
  let wrong = types.length === WORK_ITEMS.length && WORK_ITEMS.every((t) => types.includes(t))
    ? null : 'the core builds ' + JSON.stringify(types) + ', protocol.js has ' + JSON.stringify(WORK_ITEMS);
  // The worker adds the run's number to each item as it posts it (handlers.open).
  for (const item of samples) wrong = wrong || checkEvent({ ...item, run: 1 }, WORK_ITEMS);
  if (wrong) throw new Error('the core\'s work items are not protocol.js\'s (' + wrong + ')');
  return M;
}

// The compiled core arrives in the `load` request (the page compiles it once for every worker);
// the glue instantiates it through instantiateWasm, so it never fetches or compiles anything.
let receiveModule = null;
const givenModule = new Promise((resolve) => { receiveModule = resolve; });
let modulePromise = null;
function loadModule() {
  if (!modulePromise) {
    let instantiateFailed = null;
    const failed = new Promise((resolve, reject) => { instantiateFailed = reject; });
    modulePromise = Promise.race([failed, createReelcheckModule({
      instantiateWasm(imports, receiveInstance) {
        givenModule.then((module) => WebAssembly.instantiate(module, imports))
          .then((instance) => receiveInstance(instance), (e) => instantiateFailed(new Error('the WebAssembly core could not be started: ' + (e && e.message ? e.message : String(e)))));
        return {}; // the exports come through receiveInstance
      },
      print() {},
      printErr() {},
      onAbort(what) {
        self.postMessage({ type: MESSAGE.FATAL, message: 'The verifier stopped unexpectedly (' + String(what) + ').' });
      },
    }).then(checkWorkItems)]);
  }
  return modulePromise;
}

// Writes one byte into every 4 KiB page of a block of the heap, then frees it into the
// allocator's free space, where the run's buffers are cut from later. Memory a process touches
// for the first time costs a page fault per page (about 12 µs each on the 2-core machine the
// benchmark runs on): paid here, while the page waits for the user, instead of while the
// coordinator reads the bundle and the verifiers wait for their first archive.
function touchHeap(M, bytes) {
  if (!bytes) return;
  const at = M._malloc(bytes);
  if (!at) return; // no memory to spare: the run will find out, not the warm-up
  const heap = M.HEAPU8; // after malloc, which may have grown the memory
  for (let i = 0; i < bytes; i += 4096) heap[at + i] = 0;
  M._free(at);
}

let session = null;   // coordinator
let verifier = null;  // verifier
// Coordinator: the chosen files read ahead of Verify (the `stage` request): {id, read: a promise
// of [{name, bytes}], or of null when a file could not be read (open then reads them itself and
// reports it)}. Used by every open that names its id (a run begun when the bundle was chosen,
// and one begun again at Verify after a setting changed); dropped by the next stage and wipe.
let staged = null;
// Files larger than this together are not read ahead: a folder dropped by mistake (a video
// beside the letter) is read only at Verify, when the core's limits refuse it, not while the
// user is still choosing. Every real bundle is far smaller.
const MAX_STAGED_BYTES = 256 * 1024 * 1024;

async function readChosenFiles(inputs) {
  const out = [];
  for (const input of inputs) out.push({ name: input.name, bytes: new Uint8Array(await input.file.arrayBuffer()) });
  return out;
}

function failure(code, message) {
  return { ok: false, error: { code, message } };
}

function addAnchors(target, anchors) {
  for (const a of anchors || []) {
    const r = target.addTrustAnchor(a.name, new Uint8Array(a.bytes));
    if (!r.ok) {
      r.error.message = 'Trust anchor file "' + a.name + '": ' + r.error.message;
      return r;
    }
  }
  return { ok: true };
}

// One open at a time, in the order they came: the page begins a run when the bundle is chosen
// and again when a setting changes, so a second open can arrive while the first still reads its
// files; interleaved, the first would go on in the second's session.
let opening = Promise.resolve();

// The coordinator's session for one open request (handlers.open runs them one at a time).
async function openSession(msg) {
  try {
    const M = await loadModule();
    if (session) { session.wipe(); session.delete(); session = null; }
    session = new M.BundleSession(msg.useDefaults);
    const anchors = addAnchors(session, msg.anchors);
    if (!anchors.ok) return anchors;
    // The chosen files: as staged when they were chosen (the same files, in the same order),
    // otherwise read here, one at a time, off the page's thread.
    const stage = staged;
    let read = stage && msg.stageId !== undefined && stage.id === msg.stageId ? await stage.read : null;
    if (read && (read.length !== msg.inputs.length || read.some((r, i) => r.name !== msg.inputs[i].name))) read = null;
    for (let i = 0; i < msg.inputs.length; i++) {
      const input = msg.inputs[i];
      let bytes;
      try {
        bytes = read ? read[i].bytes : new Uint8Array(await input.file.arrayBuffer());
      } catch (readError) {
        return failure('bad_input', 'File "' + input.name + '" could not be read: it may have been moved, changed or deleted since it was chosen. Choose it again.');
      }
      const r = session.addInput(input.name, bytes);
      if (!r.ok) return r;
    }
    const certsOnly = msg.certsOnly === true;
    // Progress at most every 50 ms, but always a phase's first and last event (the page times
    // phases by them). It and the work items keep going to the page after open() answers (the
    // session posts each unpacked archive's slices from addUnpacked).
    let last = 0;
    let lastPhase = '';
    const progress = (phase, done, total) => {
      // The page counts verdicts itself as they reach it, on their way here: the session's
      // count of those it has checked would lag behind it while the key is derived.
      if (phase === 'verifying') return;
      const now = Date.now();
      if (done === total || phase !== lastPhase || now - last > 50) {
        last = now;
        lastPhase = phase;
        self.postMessage({ type: MESSAGE.PROGRESS, run: msg.run, phase, done, total });
      }
    };
    // The session's work items for the verifiers, posted as the core built them: archives to
    // unpack (all before open's answer), then slices as each archive's outcome comes back.
    const post = (item) => {
      item.run = msg.run;
      self.postMessage(item, [item.bytes.buffer]);
    };
    return session.open(progress, post, msg.verifiers, certsOnly, msg.checkTime);
  } catch (e) {
    // A JavaScript exception ended open() (a callback threw, or the glue did). The core's
    // cleanups ran as it passed through (native wasm exceptions: the key's copies and the
    // decrypted entries are wiped); nothing of this session is kept either.
    if (session) {
      try { session.wipe(); session.delete(); } catch (ignored) { /* dropped either way */ }
      session = null;
    }
    throw e;
  }
}

// A verifier's request: run() (which may be async), timed for the page's timings; the answer's
// buffer `field` is transferred back with it.
async function timed(run, field) {
  if (!verifier) return failure('internal', 'Verifier not initialised.');
  const started = performance.now();
  const result = await run();
  if (result && result.ok) {
    result.ms = performance.now() - started;
    result.transfer = [result[field].buffer];
  }
  return result;
}

// A verifier's requests run one at a time, in the order they came: a slice waits inside the
// core for its RSA signatures' answers (verifyWithPlatformRsa), and no other request may change
// the verifier or the certificates it holds meanwhile.
let verifierTurn = Promise.resolve();
function inTurn(run) {
  const next = verifierTurn.then(run);
  verifierTurn = next.catch(() => {});
  return next;
}

// The RSA signatures of a slice (RSASSA-PKCS1-v1_5, SHA-2), verified by the browser's WebCrypto:
// its native RSA takes a fraction of the time the core's RSA engine takes as WebAssembly. The
// core asks the questions and decides every verdict with the answers (Verifier.beginSlice,
// finishSlice): WebCrypto only says whether each signature verifies with its issuer's key.
// Without WebCrypto (a page served over plain HTTP from another host) the core checks them.
const subtle = self.crypto && self.crypto.subtle && typeof self.crypto.subtle.verify === 'function' &&
  typeof self.crypto.subtle.importKey === 'function' ? self.crypto.subtle : null;
// Issuer keys as WebCrypto keys, by hash and key bytes, for the worker's life: CA public keys
// only, a handful at most; a key WebCrypto refuses is null (its signatures stay unanswered).
const rsaKeys = new Map();
function rsaKey(spki, hash) {
  let id = hash + ':';
  for (let i = 0; i < spki.length; i++) id += String.fromCharCode(spki[i]);
  if (!rsaKeys.has(id)) {
    rsaKeys.set(id, subtle.importKey('spki', spki, { name: 'RSASSA-PKCS1-v1_5', hash }, false, ['verify'])
      .catch(() => null));
  }
  return rsaKeys.get(id);
}
const ANSWER = { INVALID: 0, VALID: 1, UNANSWERED: 2 }; // the core's RsaAnswer

async function verifyWithPlatformRsa(M, v, msg) {
  const begun = v.beginSlice(msg.run, msg.bytes);
  if (!begun.ok || !begun.questions) return begun; // failed, or no RSA signature: verdicts
  const { keys, questions } = begun;
  const count = questions.length / 5;
  const answers = new Uint8Array(count).fill(ANSWER.UNANSWERED);
  const cryptoKeys = await Promise.all(keys.map((k) => rsaKey(k.spki, k.hash)));
  // The signed bytes and the signature, read where they lie in the core's memory: WebCrypto
  // copies them as it is called, and nothing runs in the core until every call is made.
  const heap = M.HEAPU8;
  const checks = [];
  for (let i = 0, at = 0; i < count; i++, at += 5) {
    const key = cryptoKeys[questions[at]];
    const data = questions[at + 1], dataEnd = data + questions[at + 2];
    const signature = questions[at + 3], signatureEnd = signature + questions[at + 4];
    if (!key || dataEnd > heap.length || signatureEnd > heap.length) continue;
    checks.push(subtle.verify('RSASSA-PKCS1-v1_5', key, heap.subarray(signature, signatureEnd), heap.subarray(data, dataEnd))
      .then((valid) => { answers[i] = valid ? ANSWER.VALID : ANSWER.INVALID; }, () => {}));
  }
  await Promise.all(checks);
  return v.finishSlice(answers);
}

// A verifier for these trust settings (initVerifier).
async function initVerifier(msg) {
  const M = await loadModule();
  // The new verifier is made while the old one still lives: the core keeps one engine (and its
  // tables) per CA key while any verifier uses it, so a key in both settings (the user's
  // anchors with and without the built-in ones) keeps its tables instead of building them again.
  const previous = verifier;
  verifier = null;
  try {
    const next = new M.Verifier(msg.useDefaults);
    const added = addAnchors(next, msg.anchors);
    if (!added.ok) {
      next.delete();
      return added;
    }
    // Tables now, before any slice (the page asks while it is idle): the first slice then
    // verifies at full speed.
    const prepared = next.prepare();
    verifier = next;
    return prepared;
  } finally {
    if (previous) previous.delete();
  }
}

// The keys archive's AES key (deriveKey).
async function deriveKey(msg) {
  try {
    const M = await loadModule();
    const started = performance.now();
    const result = M.deriveKeysArchiveKey(msg.key);
    if (result && result.ok) {
      result.ms = performance.now() - started;
      result.transfer = [result.derived.buffer];
    }
    return result;
  } finally {
    msg.key.fill(0);
  }
}

const handlers = {
  // --- coordinator ---------------------------------------------------------------------------
  open(msg) {
    const next = opening.then(() => openSession(msg));
    opening = next.catch(() => {});
    return next;
  },
  async stage(msg) {
    const total = msg.inputs.reduce((sum, input) => sum + input.file.size, 0);
    if (total > MAX_STAGED_BYTES) {
      staged = null;
      return { ok: true };
    }
    const stage = { id: msg.stageId, read: readChosenFiles(msg.inputs).catch(() => null) };
    staged = stage;
    await stage.read;
    return { ok: true };
  },
  async addUnpacked(msg) {
    if (!session) return failure('bad_input', 'No bundle is open.');
    const result = session.addUnpacked(msg.outcome);
    if (result && result.ok) {
      // The bytes were copied into the session; they go back to the page for a verifier that
      // adopts the archive.
      result.outcome = msg.outcome;
      result.transfer = [msg.outcome.buffer];
    }
    return result;
  },
  async decrypt(msg) {
    const key = msg.key; // Uint8Array (a structured-clone copy owned by this worker) or null
    const derived = msg.derived; // the keys archive's key a verifier derived (transferred), or undefined
    try {
      if (!session) return failure('bad_input', 'No bundle is open.');
      if (key) {
        const k = session.setKey(key);
        if (!k.ok) return k;
      }
      if (derived) {
        const d = session.setDerivedKey(derived);
        if (!d.ok) return d;
      }
      return session.decrypt();
    } catch (e) {
      // The core wiped its copy of the key on the way (native wasm exceptions run its
      // destructors); nothing of this session is kept.
      try { session.wipe(); session.delete(); } catch (ignored) { /* dropped either way */ }
      session = null;
      throw e;
    } finally {
      // Every path (early returns, exceptions): this worker's copies of the key and of the key
      // derived ahead are wiped. The core's copies are wiped when decrypt() ends, however it ends.
      if (key instanceof Uint8Array) key.fill(0);
      if (derived instanceof Uint8Array) derived.fill(0);
    }
  },
  // The coordinator's once-per-run code run on made-up reels (wasm/coordinator_warm_up.hpp),
  // asked for once when the page starts this worker; it touches no session.
  async warmUp() {
    return (await loadModule()).warmUpCoordinator();
  },
  async addVerdicts(msg) {
    if (!session) return failure('bad_input', 'No bundle is open.');
    return session.addVerdicts(msg.verdicts);
  },
  async report() {
    if (!session) return failure('bad_input', 'No bundle is open.');
    return session.buildReport();
  },
  async chip(msg) {
    if (!session) return failure('bad_input', 'No bundle is open.');
    return session.chipJson(String(msg.chipId));
  },
  async exportReport(msg) {
    if (!session) return failure('bad_input', 'No bundle is open.');
    return msg.format === 'csv' ? session.exportCsv(!!msg.secrets) : session.exportJson(!!msg.secrets);
  },
  async registration(msg) {
    if (!session) return failure('bad_input', 'No bundle is open.');
    const r = session.registrationZip(String(msg.format), String(msg.slot), !!msg.includeExtra);
    return r;
  },
  async secrets(msg) {
    if (!session) return failure('bad_input', 'No bundle is open.');
    return session.chipSecrets(msg.chipId);
  },
  // The core's LookupAnswer for what was typed (BundleSession.lookUp), parsed here once.
  async lookup(msg) {
    if (!session) return failure('bad_input', 'No bundle is open.');
    const r = session.lookUp(String(msg.text));
    return r.ok ? { ok: true, answer: JSON.parse(r.json) } : r;
  },
  // The core's code table (names, severities, words) for the page's text.
  async codes() {
    const M = await loadModule();
    return { ok: true, table: JSON.parse(M.codeTable()) };
  },
  async checkTime(msg) {
    const M = await loadModule();
    return M.normaliseCheckTime(String(msg.text)); // {ok, checkTime} or the core's bad_input
  },
  async wipe() {
    staged = null;
    if (session) { session.wipe(); session.delete(); session = null; }
    return { ok: true };
  },

  // --- verifier ------------------------------------------------------------------------------
  initVerifier(msg) {
    return inTurn(() => initVerifier(msg));
  },
  // The keys archive's AES key from the transport key (wasm/verifier.cpp): this worker's copy of
  // the key is wiped however it ends; the derived key is transferred back (the core wiped its own).
  deriveKey(msg) {
    return inTurn(() => deriveKey(msg));
  },
  unpack(msg) {
    return inTurn(() => timed(() => verifier.unpackArchive(msg.run, msg.archive, msg.name, msg.slot, msg.bytes, msg.maxTotalSize), 'outcome'));
  },
  verify(msg) {
    return inTurn(() => timed(async () => {
      if (!subtle) return verifier.verifySlice(msg.run, msg.bytes);
      return verifyWithPlatformRsa(await loadModule(), verifier, msg);
    }, 'verdicts'));
  },
  adopt(msg) {
    return inTurn(() => timed(() => {
      const result = verifier.adoptArchive(msg.run, msg.outcome);
      if (result && result.ok) result.outcome = msg.outcome; // read, handed back
      return result;
    }, 'outcome'));
  },
  async load(msg) {
    if (receiveModule === null) return failure('internal', 'The WebAssembly core was loaded twice.');
    receiveModule(msg.module);
    receiveModule = null;
    touchHeap(await loadModule(), msg.heapBytes);
    return { ok: true };
  },
  async ping() {
    await loadModule();
    return { ok: true };
  },
  // The size of this worker's WebAssembly memory (it only grows: the high-water mark).
  async memory() {
    const M = await loadModule();
    return { ok: true, bytes: M.HEAP8 ? M.HEAP8.buffer.byteLength : 0 };
  },
};

// One handler per request of the protocol, no more and no fewer: a mismatch is a build error
// that must not reach a user as a worker that ignores some requests.
for (const type of new Set([...Object.keys(REQUESTS), ...Object.keys(handlers)])) {
  if (!(type in REQUESTS) || typeof handlers[type] !== 'function') throw new Error('worker.js and protocol.js disagree on the request ' + type);
}

self.onmessage = async (event) => {
  const msg = event.data;
  const wrong = checkRequest(msg);
  if (wrong) {
    // Fail closed: a request that is not the protocol's is refused whole, never half-served. A
    // key it carried is wiped all the same. Without a usable id the answer carries none, and
    // the page then gives up on this worker (it cannot tell which request failed).
    if (msg && msg.key instanceof Uint8Array) msg.key.fill(0);
    if (msg && msg.derived instanceof Uint8Array) msg.derived.fill(0);
    const id = msg && Number.isInteger(msg.id) && msg.id > 0 ? msg.id : null;
    self.postMessage({ type: MESSAGE.RESULT, id, result: failure('internal', 'A malformed request reached a worker (' + wrong + ').') });
    return;
  }
  let result;
  try {
    result = await handlers[msg.type](msg);
  } catch (e) {
    result = failure('internal', 'Internal error: ' + (e && e.message ? e.message : String(e)));
  }
  const transfer = result && result.transfer ? result.transfer : [];
  if (result && result.transfer) delete result.transfer;
  self.postMessage({ type: MESSAGE.RESULT, id: msg.id, result }, transfer);
};
