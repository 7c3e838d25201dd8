// One verification run, driven from the main thread (the hub between the workers). The core's
// session (in the coordinator) decides the work; this file only carries it:
//   1. the coordinator reads the outer layers and posts one "unpack" item per certificate
//      archive; `open` answers with how many archives it posted;
//   2. the scheduler hands each item to a free verifier: an archive's outcome goes back to the
//      coordinator (addUnpacked), which posts that archive's slices at once; slices come back
//      as verdicts (verification overlaps unpacking and the key derivation). A slice names its
//      certificates: the verifier that unpacked the archive keeps them and takes its slices
//      first; another one that takes a slice of it is first handed the archive's outcome
//      (adopt), which addUnpacked hands back for that, so the certificates cross to a verifier
//      once per archive, not in every slice;
//   3. at Verify, the first verifier free derives the keys archive's AES key from the transport
//      key (half a million SHA-256 rounds; at a run's start the verifiers wait for the
//      coordinator's first archive anyway); once every archive's outcome is in, the coordinator
//      decrypts the keys archive with it while the verifiers verify (the core takes the derived
//      key only for the transport key it came from, and derives it itself otherwise);
//   4. each slice's verdicts go on to the coordinator as they come back, which checks them
//      against what was handed out, at the run's check time and under its anchors; at the end
//      it builds the report, whose view is read strictly (report_view.js) before anything is
//      shown.
// Items, outcomes and verdicts travel as one wire-format buffer each (wasm/wire), transferred,
// never copied, on every hop.
'use strict';

(function (global) {
  const parts = global.RCEngine;
  const { engineError, check, cancelled, keyTooLong, copyAnchors, PhaseClock, WorkQueue, dispatch, readView } = parts;
  const { MESSAGE, REQUEST } = global.ReelcheckProtocol;

  // The key a run may take: null for a certificates-only run (the keys archive is not opened),
  // otherwise the transport key's bytes within the core's bound. A key refused is wiped.
  function checkKey(key, certsOnly) {
    if (certsOnly) {
      if (key) { key.fill(0); throw engineError('internal', 'A transport key was handed to a certificates-only run.'); }
      return;
    }
    if (!(key instanceof Uint8Array)) throw engineError('no_key', 'The transport key is needed.');
    const tooLong = keyTooLong(key);
    if (tooLong) { key.fill(0); throw tooLong; }
  }

  // engine: the Engine (its workers and run token). request: see Engine.run; its key may also be
  // a promise of it (a run begun when the bundle was chosen gets the key at Verify, already
  // checked): everything but the keys archive goes on meanwhile.
  // -> the report view; engine.lastTimings is set on success.
  async function runVerification(engine, { files, key, certsOnly, anchors, useDefaults, checkTime, onProgress }) {
    const keyLater = !!key && typeof key.then === 'function';
    if (!keyLater) checkKey(key, certsOnly);
    const keyReady = keyLater ? key : Promise.resolve(key);
    let keyTaken = false;
    const token = ++engine.runToken;
    const current = () => token === engine.runToken;
    const stillCurrent = () => { if (!current()) throw cancelled(); };
    const clock = new PhaseClock();
    const progress = (p) => {
      if (!current()) return;
      clock.mark(p.phase);
      if (onProgress) onProgress(p);
    };

    // The coordinator's work items wait here for a verifier. The queue closes once `open` has
    // answered and every archive's outcome has been taken (its slices are posted before that).
    const queue = new WorkQueue();
    let archivesPosted = 0;
    let archivesTaken = 0;
    let archives = null;
    let streamed = 0;
    // The run's error is the first failure the page learns of, whichever request it came from:
    // a refused batch of verdicts drops the coordinator's session, so requests answered after it
    // (decrypt, addUnpacked) fail with "No bundle is open.", which is not what went wrong.
    // runFailure rejects with that first failure at once, without waiting for the verifiers.
    let firstFailure = null;
    let failRun = null;
    const runFailure = new Promise((resolve, reject) => { failRun = reject; });
    runFailure.catch(() => {});
    const fail = (err) => {
      if (!firstFailure) {
        firstFailure = err;
        failRun(err);
      }
      queue.fail(err);
    };
    // At Verify, the keys archive's AES key is derived on the first verifier free (a work item
    // ahead of the others: at a run's start both wait for the coordinator's first archive), not
    // by the coordinator at the run's end beside both verifiers. A copy of the key goes to that
    // verifier (transferred, wiped there). -> the derived key (wire format), or null: the
    // coordinator then derives it itself (a run whose verifiers are done, a derivation refused).
    let derivedKey = null; // held until decrypt takes it (transferred) or the run ends (wiped)
    let ended = false;
    const derivedReady = keyReady.then((k) => {
      if (!k || !current() || queue.closed) return null;
      return new Promise((resolve) => queue.pushFront({ kind: 'derive', key: k.slice(), done: resolve }));
    }).then((d) => {
      if (d && ended) { d.fill(0); return null; }
      derivedKey = d;
      return d;
    }, () => null);
    // However the run ends: a derived key decrypt did not take, a copy of the key still waiting
    // for a verifier.
    const wipeDerived = () => {
      ended = true;
      if (derivedKey) derivedKey.fill(0);
      derivedKey = null;
      for (const item of queue.items) if (item.kind === 'derive') item.key.fill(0);
    };
    // Once every archive's outcome is in, the coordinator decrypts the keys archive (it never
    // holds an outcome back while it reads it) while the verifiers verify.
    // Its error (a wrong key, or a damaged archive) ends the run at once; the verifiers stay,
    // as when open fails.
    let decrypted = null;
    let decryptError = null;
    let keyDerivedAhead = false;
    const closeWhenComplete = () => {
      if (archives === null || archivesTaken !== archives || decrypted) return;
      queue.close();
      // The key goes with decrypt, the one request that uses it: a copy to the coordinator,
      // this one wiped at once; the derived key is transferred.
      decrypted = keyReady.then((k) => derivedReady.then((d) => {
        keyTaken = true;
        if (!current()) { if (k) k.fill(0); throw cancelled(); }
        try {
          derivedKey = null;
          return coordinator.call(REQUEST.DECRYPT, { key: k || null, ...(k && d ? { derived: d } : {}) }, k && d ? [d.buffer] : []);
        } finally {
          if (k) k.fill(0);
          if (d && d.byteLength) d.fill(0); // transferred (detached) unless the call never left
        }
      })).then(check).then((answer) => { keyDerivedAhead = answer.keyDerivedAhead; return answer; });
      decrypted.catch((err) => {
        decryptError = err;
        if (current()) engine.runToken++;
        fail(err);
      });
    };
    // The protocol has checked each event's shape (worker_client.js) before it gets here.
    const coordinator = engine.ensureCoordinator((m) => {
      // Events of a run this page no longer drives (one begun at an earlier choice) are dropped.
      if (!current() || m.run !== token) return;
      if (m.type === MESSAGE.PROGRESS) {
        progress({ phase: m.phase, done: m.done, total: m.total });
      } else if (m.type === MESSAGE.UNPACK) {
        queue.push({ kind: 'unpack', archive: m.archive, name: m.name, slot: m.slot, bytes: m.bytes, maxTotalSize: m.maxTotalSize });
        archivesPosted++;
      } else if (m.type === MESSAGE.SLICE) {
        queue.push({ kind: 'slice', archive: m.archive, count: m.count, bytes: m.bytes });
        streamed += m.count;
      }
    });

    // The verifiers (kept from an earlier run, or started now) get the trust anchors while the
    // coordinator reads the bundle; they rebuild their ChainVerifier only when these change.
    const verifiers = engine.pool.ensure();
    const verifiersReady = engine.pool.init(anchors, useDefaults);
    verifiersReady.catch(() => {}); // when opening fails first, that error is the one shown

    progress({ phase: 'reading', done: 0, total: 1 });
    // The files go as the user chose them (File objects): the coordinator takes the bytes it
    // read when they were chosen (engine.stage), or reads them now.
    const stageId = engine.stagedId(files);
    const opening = coordinator.call(REQUEST.OPEN, { run: token, inputs: files, ...(stageId ? { stageId } : {}), certsOnly: !!certsOnly, anchors: copyAnchors(anchors), useDefaults, verifiers: verifiers.length, checkTime });
    const opened = opening.then(check).then((summary) => {
      if (summary.archives !== archivesPosted) {
        // Fail closed: every archive the session planned must reach a verifier, once.
        throw engineError('internal', 'The coordinator posted ' + archivesPosted + ' of ' + summary.archives + ' archives to unpack.');
      }
      archives = summary.archives;
      closeWhenComplete();
      return summary;
    }).catch((err) => {
      fail(err);
      throw firstFailure;
    });

    // Every slice's verdicts go on to the coordinator as they come back: each names its place and
    // terms, and the core checks at once that every certificate handed out gets its own verdict
    // back (fail closed), so a lost, shuffled or foreign batch stops the run. The report at the
    // end then has only the report to build.
    const verdictsAdded = [];
    let done = 0;
    let slices = 0;
    let busyMs = 0;
    const verifyProgress = () => progress({ phase: 'verifying', done, total: streamed, final: queue.closed });
    // Which archives each verifier holds (by archive: a promise, settled once it does), and each
    // archive's outcome bytes between their trips: the coordinator hands them back with
    // addUnpacked's answer, and a verifier that adopts them hands them back again.
    const held = new Map();
    const heldBy = (v) => held.get(v) || held.set(v, new Map()).get(v);
    const outcomes = new Map();
    const outcomeOf = (archive) => {
      if (!outcomes.has(archive)) {
        let put;
        const next = new Promise((resolve) => { put = resolve; });
        outcomes.set(archive, { next, put });
      }
      return outcomes.get(archive);
    };
    // Lends archive's outcome bytes to use(bytes) -> a promise of them back; one borrower at a
    // time, the next waits for them.
    const lendOutcome = (archive, use) => {
      const slot = outcomeOf(archive);
      const taken = slot.next;
      const back = taken.then(use);
      back.catch(() => {}); // the borrower sees the failure; a failed run ends anyway
      slot.next = back;
      return back;
    };
    const holds = (v, archive) => {
      const mine = heldBy(v);
      if (!mine.has(archive)) {
        mine.set(archive, lendOutcome(archive, (outcome) =>
          v.call(REQUEST.ADOPT, { run: token, outcome }, [outcome.buffer]).then(check).then((a) => {
            busyMs += a.ms;
            return a.outcome;
          })));
      }
      return mine.get(archive);
    };
    const verifying = dispatch({
      queue,
      workers: verifiers,
      ready: verifiersReady,
      stillCurrent,
      // Archives to unpack first (they are the run's start), then slices of archives the
      // verifier holds; another archive's slice only when none of those is left.
      prefers: (v, item) => item.kind === 'derive' || item.kind === 'unpack' || heldBy(v).has(item.archive),
      send: (v, item) => {
        if (item.kind === 'derive') {
          // A derivation refused ({ok:false}) is not the run's error: the coordinator derives.
          // A key derived for a run stopped meanwhile is wiped as it arrives (the loop then ends
          // before receive()).
          return v.call(REQUEST.DERIVE_KEY, { key: item.key }, [item.key.buffer]).then((a) => {
            const derived = a.ok ? a.derived : null;
            if (derived && !current()) derived.fill(0);
            return { derived: current() ? derived : null, ms: a.ok ? a.ms : 0 };
          });
        }
        if (item.kind === 'unpack') {
          const { archive, name, slot, bytes, maxTotalSize } = item;
          const answer = v.call(REQUEST.UNPACK, { run: token, archive, name, slot, bytes, maxTotalSize }, [bytes.buffer]).then(check);
          heldBy(v).set(archive, answer);
          return answer;
        }
        if (!slices++) verifyProgress(); // the verifying phase starts with the first slice
        return holds(v, item.archive).then(() => v.call(REQUEST.VERIFY, { run: token, bytes: item.bytes }, [item.bytes.buffer])).then(check);
      },
      receive: (item, answer) => {
        busyMs += answer.ms;
        if (item.kind === 'derive') {
          item.done(answer.derived);
          return;
        }
        if (item.kind === 'unpack') {
          // The outcome goes to the session, which posts the archive's slices (or decides the
          // run's error); the queue stays open until every outcome is taken.
          coordinator.call(REQUEST.ADD_UNPACKED, { outcome: answer.outcome }, [answer.outcome.buffer]).then(check).then((taken) => {
            outcomeOf(item.archive).put(taken.outcome);
            if (!current()) return;
            archivesTaken++;
            closeWhenComplete();
          }).catch(fail);
          return;
        }
        const added = coordinator.call(REQUEST.ADD_VERDICTS, { verdicts: answer.verdicts }, [answer.verdicts.buffer]).then(check);
        added.catch(fail);
        verdictsAdded.push(added);
        done += answer.count;
        verifyProgress();
      },
    });
    verifying.catch(() => {});

    // A run that ends before its keys archive: a key handed to it later is wiped unused.
    const dropKey = () => { if (!keyTaken) keyReady.then((k) => { if (k) k.fill(0); }, () => {}); };
    try {
      await opened;
    } catch (err) {
      // Slices a verifier is still on are dropped with their answers; the workers stay.
      if (current()) engine.runToken++;
      dropKey();
      wipeDerived();
      throw err;
    }
    try {
      try {
        await Promise.race([verifying, runFailure]);
      } catch (err) {
        if (err === decryptError) throw err; // the verifiers stay (their loops end as cancelled)
        // A run replaced by another (one begun when the bundle was chosen, then the settings
        // changed) leaves the workers to that one.
        if (!current()) throw err;
        engine.pool.stop(); // the other loops end with 'cancelled', which nobody waits for
        // The run is over before the keys archive was read: the coordinator drops the session
        // and the key it held for decrypt, now rather than at the next run.
        if (!decrypted) coordinator.call(REQUEST.WIPE, {}).catch(() => {});
        throw err;
      }
      await decrypted;
      stillCurrent();
      if (done !== streamed) throw engineError('internal', 'Verification is incomplete: ' + done + ' of ' + streamed + ' certificates came back.');
      if (!slices) verifyProgress(); // a bundle without certificates still shows the phase

      progress({ phase: 'reporting', done: 0, total: 1 });
      await Promise.all(verdictsAdded); // a refused batch is the run's error
      stillCurrent();
      const report = check(await coordinator.call(REQUEST.REPORT, {}));
      progress({ phase: 'reporting', done: 1, total: 1 });
      const { phases, offsets, total: totalMs } = clock.finish();
      engine.lastTimings = { phases, offsets, total: totalMs, verifiers: verifiers.length, slices, verifierBusy: busyMs, certificates: streamed, keyDerivedAhead };
      return readView(report.view);
    } catch (err) {
      // What failed first, not what its consequences made fail later.
      throw firstFailure || err;
    } finally {
      dropKey();
      wipeDerived();
    }
  }

  Object.assign(parts, { runVerification, checkKey });
})(typeof window !== 'undefined' ? window : self);
