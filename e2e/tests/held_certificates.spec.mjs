// A certificate slice names its certificates instead of carrying them (wasm/wire: "RCR1"): the
// verifier that unpacked their archive keeps them for the run, and another verifier is handed the
// archive's outcome first (adopt). A verifier must verify only what it holds, for the run the
// slice is of, and nothing else: a slice of another run, of an archive it does not hold or past
// the end of one is refused (fail closed), and an outcome it cannot read is not adopted.
// Two verifier workers are driven here request by request, as the page drives them.
import fs from 'node:fs';
import { test, expect } from './fixtures.mjs';
import { addWorkerDriver, fx, manifest, trustFile } from './helpers.mjs';

test('held certificates: a verifier verifies only what it unpacked or adopted, for that run', async ({ page }) => {
  await addWorkerDriver(page);
  await page.goto('index.html');
  const m = manifest();
  const archive = [...fs.readFileSync(fx(m.bundles.clean_loose.files[0]))]; // the E0E0 archive
  const trust = [...fs.readFileSync(trustFile())];
  const answers = await page.evaluate(async ({ archive, trust, at }) => {
    const url = URL.createObjectURL(new Blob([self.ReelcheckWorkerSource], { type: 'text/javascript' }));
    const compiled = await WebAssembly.compile(Uint8Array.fromBase64(self.ReelcheckWasmBase64));
    const { ask } = window.reelcheckTest;
    const slice = (archiveIndex, begin, count) => window.reelcheckTest.slice(archiveIndex, begin, count, at);
    const workers = [new Worker(url), new Worker(url)];
    const out = {};
    try {
      for (const w of workers) {
        await ask(w, { type: 'load', module: compiled, heapBytes: 0 });
        const init = await ask(w, { type: 'initVerifier', anchors: [{ name: 'trust.pem', bytes: new Uint8Array(trust).buffer }], useDefaults: false });
        if (!init.ok) throw new Error(JSON.stringify(init));
      }
      const [a, b] = workers;
      const unpacked = await ask(a, { type: 'unpack', run: 7, archive: 0, name: 'R2400017_B7F3C1_E0E0_Certs.7z', slot: 'E0E0', bytes: new Uint8Array(archive), maxTotalSize: 1 << 28 });
      out.unpacked = unpacked.ok;
      const outcome = unpacked.outcome;
      const verdictsOf = (r) => (r.ok ? { ok: true, count: r.count, bytes: Array.from(r.verdicts) } : r);
      out.holder = verdictsOf(await ask(a, { type: 'verify', run: 7, bytes: slice(0, 4, 3) }));
      out.otherRun = await ask(a, { type: 'verify', run: 8, bytes: slice(0, 4, 3) });
      out.otherArchive = await ask(a, { type: 'verify', run: 7, bytes: slice(1, 0, 3) });
      out.pastTheEnd = await ask(a, { type: 'verify', run: 7, bytes: slice(0, 18, 3) });
      out.notAdopted = await ask(b, { type: 'verify', run: 7, bytes: slice(0, 4, 3) });
      out.damagedOutcome = await ask(b, { type: 'adopt', run: 7, outcome: outcome.slice(0, outcome.length - 5) });
      const adopted = await ask(b, { type: 'adopt', run: 7, outcome: outcome.slice() });
      out.adopted = adopted.ok;
      out.handedBack = adopted.ok && adopted.outcome.length === outcome.length && adopted.outcome.every((x, i) => x === outcome[i]);
      out.adopter = verdictsOf(await ask(b, { type: 'verify', run: 7, bytes: slice(0, 4, 3) }));
      // A new run's first archive drops the last run's: run 7's slices are refused after it.
      await ask(b, { type: 'adopt', run: 9, outcome: outcome.slice() });
      out.afterNextRun = await ask(b, { type: 'verify', run: 7, bytes: slice(0, 4, 3) });
      out.nextRun = (await ask(b, { type: 'verify', run: 9, bytes: slice(0, 4, 3) })).ok;
      // A request of the replaced run still on its way (the page begins a run when the bundle is
      // chosen and begins it again when a setting changes) neither drops the newer run's archives
      // nor is held: run 9 goes on, run 7 stays refused.
      out.staleAdopt = (await ask(b, { type: 'adopt', run: 7, outcome: outcome.slice() })).ok;
      out.staleUnpack = (await ask(b, { type: 'unpack', run: 7, archive: 0, name: 'R2400017_B7F3C1_E0E0_Certs.7z', slot: 'E0E0', bytes: new Uint8Array(archive), maxTotalSize: 1 << 28 })).ok;
      out.newerRunAfterStale = (await ask(b, { type: 'verify', run: 9, bytes: slice(0, 4, 3) })).ok;
      out.staleRun = await ask(b, { type: 'verify', run: 7, bytes: slice(0, 4, 3) });
    } finally {
      for (const w of workers) w.terminate();
    }
    return out;
  }, { archive, trust, at: m.check_time_epoch });

  const notHeld = { ok: false, error: { code: 'internal', message: 'A slice names certificates this verifier does not hold.' } };
  expect(answers.unpacked).toBe(true);
  expect(answers.holder).toMatchObject({ ok: true, count: 3 });
  expect(answers.otherRun).toEqual(notHeld);
  expect(answers.otherArchive).toEqual(notHeld);
  expect(answers.pastTheEnd).toEqual(notHeld); // 20 certificates: 18 + 3 is past the end
  expect(answers.notAdopted).toEqual(notHeld);
  expect(answers.damagedOutcome.ok).toBe(false);
  expect(answers.damagedOutcome.error.message).toMatch(/came back malformed/);
  expect(answers.adopted).toBe(true);
  expect(answers.handedBack).toBe(true);
  // The adopter's verdicts are the unpacker's, byte for byte (the same anchors, certificates, time).
  expect(answers.adopter).toEqual(answers.holder);
  expect(answers.afterNextRun).toEqual(notHeld);
  expect(answers.nextRun).toBe(true);
  expect(answers.staleAdopt).toBe(true);
  expect(answers.staleUnpack).toBe(true); // unpacked and answered: the page drops the answer
  expect(answers.newerRunAfterStale).toBe(true);
  expect(answers.staleRun).toEqual(notHeld);
});
