// One verification run, driven from the main thread (the hub between the workers):
//   1. the coordinator opens the bundle (unpack, decrypt) and posts certificate slices as each
//      archive is unpacked, all before it answers `open` with how many certificates there are;
//   2. the scheduler hands the slices to the verifier workers as they come (verification
//      overlaps unpacking) and brings their verdicts back;
//   3. the coordinator checks every verdict against what was sent and builds the report, whose
//      view is read strictly (report_view.js) before anything is shown.
// Slices and verdicts travel as one wire-format buffer each (wasm/wire), transferred, never
// copied, on every hop.
'use strict';

(function (global) {
  const parts = global.RCEngine;
  const { engineError, check, cancelled, keyTooLong, copyAnchors, PhaseClock, WorkQueue, dispatch, readView } = parts;
  const { MESSAGE, REQUEST } = global.ReelcheckProtocol;

  // engine: the Engine (its workers and run token). request: see Engine.run.
  // -> the report view; engine.lastTimings is set on success.
  async function runVerification(engine, { files, key, certsOnly, anchors, useDefaults, checkTime, onProgress }) {
    // certsOnly: no key (null) and the keys archive is not opened; otherwise key is required.
    if (certsOnly) {
      if (key) { key.fill(0); throw engineError('internal', 'A transport key was handed to a certificates-only run.'); }
    } else {
      if (!(key instanceof Uint8Array)) throw engineError('no_key', 'The transport key is needed.');
      const tooLong = keyTooLong(key);
      if (tooLong) { key.fill(0); throw tooLong; }
    }
    const token = ++engine.runToken;
    const current = () => token === engine.runToken;
    const stillCurrent = () => { if (!current()) throw cancelled(); };
    const clock = new PhaseClock();
    const progress = (p) => {
      if (!current()) return;
      clock.mark(p.phase);
      if (onProgress) onProgress(p);
    };

    // The coordinator's certificate slices wait here for a verifier. The total is known once
    // open() answers; every slice was posted before that answer.
    const queue = new WorkQueue();
    let streamed = 0;
    let total = null;
    // The protocol has checked each event's shape (worker_client.js) before it gets here.
    const coordinator = engine.ensureCoordinator((m) => {
      if (!current()) return;
      if (m.type === MESSAGE.PROGRESS) {
        progress({ phase: m.phase, done: m.done, total: m.total });
      } else if (m.type === MESSAGE.SLICE) {
        queue.push({ begin: m.begin, count: m.count, bytes: m.bytes });
        streamed += m.count;
      }
    });

    // The verifiers (kept from an earlier run, or started now) get the trust anchors while the
    // coordinator unpacks and decrypts; they rebuild their ChainVerifier only when these change.
    const verifiers = engine.pool.ensure();
    const verifiersReady = engine.pool.init(anchors, useDefaults);
    verifiersReady.catch(() => {}); // when opening fails first, that error is the one shown

    progress({ phase: 'reading', done: 0, total: 1 });
    let opening;
    try {
      opening = coordinator.call(REQUEST.OPEN, { inputs: files, key, certsOnly: !!certsOnly, anchors: copyAnchors(anchors), useDefaults, verifiers: verifiers.length },
                                 files.map((f) => f.bytes));
    } finally {
      if (key) key.fill(0); // the worker has its own copy now; this one is no longer needed
    }
    const opened = opening.then(check).then((summary) => {
      if (summary.certificates !== streamed) {
        // Fail closed: the verifiers must have been given every certificate, once.
        throw engineError('internal', 'The coordinator handed out ' + streamed + ' of ' + summary.certificates + ' certificates.');
      }
      total = summary.certificates;
      queue.close();
      return summary;
    }).catch((err) => {
      queue.fail(err);
      throw err;
    });

    // Tagged with the slice's place: the core checks that every certificate sent out got its
    // own verdict back (fail closed), so a lost or shuffled batch stops the run.
    const verdicts = [];
    let done = 0;
    let slices = 0;
    let busyMs = 0;
    const verifyProgress = () => progress({ phase: 'verifying', done, total: total !== null ? total : streamed, final: total !== null });
    const verifying = dispatch({
      queue,
      workers: verifiers,
      ready: verifiersReady,
      stillCurrent,
      send: (v, slice) => {
        if (!slices++) verifyProgress(); // the verifying phase starts with the first slice
        return v.call(REQUEST.VERIFY, { bytes: slice.bytes, checkTime }, [slice.bytes.buffer]).then(check);
      },
      receive: (slice, answer) => {
        verdicts.push({ begin: slice.begin, verdicts: answer.verdicts });
        done += answer.count;
        busyMs += answer.ms;
        verifyProgress();
      },
    });
    verifying.catch(() => {});

    try {
      await opened;
    } catch (err) {
      // Slices a verifier is still on are dropped with their answers; the workers stay.
      if (current()) engine.runToken++;
      throw err;
    }
    try {
      await verifying;
    } catch (err) {
      engine.pool.stop(); // the other loops end with 'cancelled', which nobody waits for
      throw err;
    }
    stillCurrent();
    if (done !== total) throw engineError('internal', 'Verification is incomplete: ' + done + ' of ' + total + ' certificates came back.');
    if (!slices) verifyProgress(); // a bundle without certificates still shows the phase

    progress({ phase: 'reporting', done: 0, total: 1 });
    const report = check(await coordinator.call(REQUEST.REPORT, { verdicts, checkTime }, verdicts.map((b) => b.verdicts.buffer)));
    progress({ phase: 'reporting', done: 1, total: 1 });
    const { phases, offsets, total: totalMs } = clock.finish();
    engine.lastTimings = { phases, offsets, total: totalMs, verifiers: verifiers.length, slices, verifierBusy: busyMs, certificates: total };
    return readView(report.view);
  }

  Object.assign(parts, { runVerification });
})(typeof window !== 'undefined' ? window : self);
