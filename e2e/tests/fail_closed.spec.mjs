// Verdicts cross from the verifier workers to the coordinator as messages (one wire-format buffer
// per slice). A verifier that drops
// or damages a verdict must stop the run with a clear error: never a report that passes.
// The damage is done for real: a hook appended to the worker source as the page loads it wraps
// the workers' handlers (worker.js) to alter their answers in transit. The tests share one page:
// each chooses the damage (its mode) and resets the page with Clear, as a user would after an
// error, so the next run's workers do that damage.
import { testOnOnePage, expect } from './fixtures.mjs';
import { verify, injectSwitchableWorkerHook, useHookMode } from './helpers.mjs';

// Runs inside each worker, after worker.js; mode() is the test's damage. It reads the verdict
// wire format (wasm/wire/verdict_wire.cpp) on its own, to damage the answer the way a broken or
// tampered verifier would: whole records, not just random bytes. It also logs, from inside the
// coordinator, each request of a run's end it serves (addVerdicts, report).
function tamperVerdicts(mode) {
  // A verdict slice: "RCW1", u32 archive, u32 begin, i64 check time, the anchors' fingerprint
  // (u32 length + 64 hex digits), then the verdicts: "RCV1", u32 count, then per verdict
  // archive, file (strings), slot (u8), chip_id, verdict and parsed (u8 each), 8 strings, chain
  // (count + strings), problems (count + code and message strings).
  const BASE = 4 + 4 + 4 + 8 + 4 + 64;
  function records(bytes) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let at = BASE + 8;
    const str = () => { at += 4 + view.getUint32(at, true); };
    const out = [];
    const count = view.getUint32(BASE + 4, true);
    for (let i = 0; i < count; i++) {
      const start = at;
      str(); str(); at += 1; str(); const verdictAt = at; at += 2;
      for (let k = 0; k < 8; k++) str();
      const chain = view.getUint32(at, true); at += 4;
      for (let k = 0; k < chain; k++) str();
      const problemsAt = at;
      const problems = view.getUint32(at, true); at += 4;
      for (let k = 0; k < problems; k++) { str(); str(); }
      out.push({ start, end: at, verdictAt, problemsAt });
    }
    return out;
  }
  function join(header, parts) {
    const size = BASE + 8 + parts.reduce((n, p) => n + p.length, 0);
    const out = new Uint8Array(size);
    out.set(header.subarray(0, BASE + 8));
    new DataView(out.buffer).setUint32(BASE + 4, parts.length, true);
    let at = BASE + 8;
    for (const p of parts) { out.set(p, at); at += p.length; }
    return out;
  }
  // Certificate slices on their way from the coordinator to the page (posted while it unpacks):
  // one lost in transit, in every run (the page begins runs as the form is filled in; the one
  // Verify takes must lose one too).
  const post = self.postMessage.bind(self);
  const droppedIn = new Set();
  self.postMessage = (m, transfer) => {
    if (mode() === 'drop-slice' && m && m.type === 'slice' && !droppedIn.has(m.run)) { droppedIn.add(m.run); return; }
    post(m, transfer);
  };
  // The report view on its way from the coordinator to the page.
  const originalReport = handlers.report;
  handlers.report = async (msg) => {
    const answer = await originalReport(msg);
    if (!answer.ok) return answer;
    const view = JSON.parse(answer.view);
    if (mode() === 'view-without-counts') delete view.counts;
    if (mode() === 'view-says-ok') view.verdict = 'ok';
    if (mode() === 'view-drops-a-chip') view.chips.pop();
    // A clean reel's view with one certificate not ok, or one left without a chip, while the
    // verdict still says ok.
    if (mode() === 'view-certificate-not-ok') view.counts.certificates_ok -= 1;
    if (mode() === 'view-unassigned') view.unassigned_certificates = 1;
    answer.view = JSON.stringify(view);
    return answer;
  };
  // The coordinator reads the keys archive only once a batch of verdicts was answered (refused:
  // the verifiers check at another time), which drops its session: what decrypt says after
  // that ("No bundle is open.") must not become the run's error.
  let answered = null;
  const verdictsAnswered = new Promise((resolve) => { answered = resolve; });
  const originalAdd = handlers.addVerdicts;
  handlers.addVerdicts = async (msg) => {
    const answer = await originalAdd(msg);
    answered();
    return answer;
  };
  const originalDecrypt = handlers.decrypt;
  handlers.decrypt = async (msg) => {
    if (mode() === 'other-check-time-before-decrypt') await verdictsAnswered;
    return originalDecrypt(msg);
  };
  // A verifier set up under other trust anchors than the run's: without the built-in ones when
  // the run has them, with them when it has not. The test PKI's anchors are there either way, so
  // its verdicts on the clean reel are all good, only not reached under the run's anchors.
  const originalInit = handlers.initVerifier;
  handlers.initVerifier = (msg) => originalInit(mode() === 'other-anchors' ? { ...msg, useDefaults: !msg.useDefaults } : msg);
  const original = handlers.verify;
  handlers.verify = async (msg) => {
    // A verifier that checks the slice a day later than the run's check time (the time sits
    // in the slice at byte 12, after "RCR1", the archive and the first certificate's index).
    if (mode().startsWith('other-check-time')) {
      const view = new DataView(msg.bytes.buffer, msg.bytes.byteOffset, msg.bytes.byteLength);
      view.setUint32(12, view.getUint32(12, true) + 86400, true);
    }
    // A slice that names certificates the verifier does not hold: of another run (one whose
    // archives it may still hold, were it the last one), or of an archive it never had.
    if (mode() === 'verify-other-run') msg = { ...msg, run: msg.run + 1 };
    if (mode() === 'slice-other-archive') new DataView(msg.bytes.buffer, msg.bytes.byteOffset, msg.bytes.byteLength).setUint32(4, 77, true);
    const answer = await original(msg);
    if (!answer.ok) return answer;
    const bytes = answer.verdicts;
    const recs = records(bytes);
    const part = (r) => bytes.slice(r.start, r.end);
    let parts = recs.map(part);
    if (mode() === 'drop') parts.pop();
    if (mode() === 'duplicate') parts[parts.length - 1] = part(recs[0]);
    if (mode() === 'strip-problems') {
      // Every problem cut off, each record's "failed" left as it was.
      parts = recs.map((r) => {
        const head = bytes.slice(r.start, r.problemsAt + 4);
        new DataView(head.buffer).setUint32(r.problemsAt - r.start, 0, true);
        return head;
      });
    }
    if (mode() === 'truncate') parts[parts.length - 1] = part(recs[recs.length - 1]).slice(0, -3);
    if (mode() === 'failed-without-problems') {
      // The first verdict of every slice says failed, not parsed, and names no problem: a
      // record consistent with itself, whose chip would pass if its status came from its
      // problems alone.
      const r = recs[0];
      const head = bytes.slice(r.start, r.problemsAt + 4);
      head[r.verdictAt - r.start] = 0;
      head[r.verdictAt - r.start + 1] = 0;
      new DataView(head.buffer).setUint32(r.problemsAt - r.start, 0, true);
      parts[0] = head;
    }
    answer.verdicts = join(bytes, parts);
    answer.transfer = [answer.verdicts.buffer];
    return answer;
  };
  for (const name of ['addVerdicts', 'report']) {
    const served = handlers[name];
    handlers[name] = async (msg) => {
      const answer = await served(msg);
      console.log('reelcheck-test coordinator ' + name + ' ' + (answer && answer.ok ? 'ok' : 'refused'));
      return answer;
    };
  }
}

const test = testOnOnePage((page) => injectSwitchableWorkerHook(page, tamperVerdicts.toString()));

// [mode, title, expected error, bundle ('mixed' unless given)]. The clean reel is the one that
// would read as verified if a check were missing.
const cases = [
  ['drop', 'a verifier drops a verdict', /verification is incomplete/],
  ['strip-problems', 'a verifier loses the problems of its verdicts', /whose summary contradicts its problems/],
  ['truncate', 'a verifier\'s answer is cut short', /verdict batch from a verifier is malformed/],
  ['view-without-counts', 'the report view reaches the page without its counts', /report is incomplete \(counts\)/],
  ['view-says-ok', 'the report view says ok while chips failed', /report is incomplete \(verdict contradicts the counts\)/],
  ['view-drops-a-chip', 'the report view loses a chip row', /report is incomplete \(chips\)/],
  ['duplicate', 'a verifier answers one certificate twice and another never', /verification is inconsistent: certificate \d+ was .*but its verdict is for/],
  ['drop-slice', 'a certificate slice from the coordinator is lost on its way to the verifiers', /not every certificate has its verdict/],
  ['failed-without-problems', 'a verifier answers "failed" (not parsed) without naming a problem',
    /verdict \d+ that failed without naming a problem/, 'clean_7z'],
  ['view-certificate-not-ok', 'the report view of a clean reel says ok with a certificate not ok',
    /report is incomplete \(verdict contradicts the certificate counts\)/, 'clean_7z'],
  ['view-unassigned', 'the report view of a clean reel says ok with a certificate left unassigned',
    /report is incomplete \(verdict contradicts the unassigned certificates\)/, 'clean_7z'],
  // Verdicts of a clean reel reached a day after the run's check time: all good, but not at the
  // time the report states.
  ['other-check-time', 'a verifier checks a slice at another time than the run\'s',
    /were reached at .* not at the check time/, 'clean_7z'],
  // The same, with the refusal answered before the keys archive is read: the first failure is
  // the run's error, not the "No bundle is open." of the requests after it.
  ['other-check-time-before-decrypt', 'a batch is refused before the keys archive is read',
    /were reached at .* not at the check time/, 'clean_7z'],
  // A slice names its certificates; a verifier verifies only those it holds for the slice's run.
  ['verify-other-run', 'a slice reaches a verifier under another run than the one it holds certificates for',
    /A slice names certificates this verifier does not hold/, 'clean_7z'],
  ['slice-other-archive', 'a slice names an archive the verifier does not hold',
    /A slice names certificates this verifier does not hold/, 'clean_7z'],
  // Verdicts of a clean reel reached by a verifier with other trust anchors than the run's.
  ['other-anchors', 'a verifier checks a slice under other trust anchors than the run\'s',
    /were reached under other trust anchors than this run's/, 'clean_7z'],
];

for (const [mode, title, message, bundle = 'mixed'] of cases) {
  test(`fail closed: ${title}`, async ({ page }) => {
    await useHookMode(page, mode);
    // The tampered bundle: with its problems lost, its failed chips would read as OK.
    await verify(page, bundle, { waitFor: 'error' });
    await expect(page.locator('#error-detail')).toContainText(message);
    await expect(page.locator('#summary')).toBeHidden();
    await expect(page.locator('#chips-panel')).toBeHidden();
    await expect(page.locator('#verdict-title')).not.toHaveText('Bundle verified');
  });
}

for (const [bundle, title] of [['mixed', 'Bundle failed verification'], ['clean_7z', 'Bundle verified']]) {
  test(`fail closed: the same page without tampering gives ${bundle} its verdict (the hook itself is harmless)`, async ({ page }) => {
    await useHookMode(page, 'none');
    await verify(page, bundle);
    await expect(page.locator('#verdict-title')).toHaveText(title);
  });
}

// The coordinator checks each slice's verdicts as they come back (addVerdicts), not all at the
// end: a refused batch ends the run before the report is asked for, and on a clean run every
// batch is in before it. The hook logs, from inside the coordinator, each request it serves.
for (const [mode, bundle] of [['strip-problems', 'mixed'], ['none', 'clean_7z']]) {
  test(`fail closed: the coordinator checks each slice's verdicts as they arrive (${mode === 'none' ? 'clean run' : 'tampered run'})`, async ({ page }) => {
    await useHookMode(page, mode);
    const served = [];
    const listen = (m) => {
      const text = m.text();
      if (text.startsWith('reelcheck-test coordinator ')) served.push(text.slice('reelcheck-test coordinator '.length));
    };
    page.on('console', listen);
    try {
      await checkServed(page, mode, bundle, served);
    } finally {
      page.off('console', listen);
    }
  });
}

async function checkServed(page, mode, bundle, served) {
  if (mode === 'none') {
    await verify(page, bundle);
    await expect(page.locator('#verdict-title')).toHaveText('Bundle verified');
    await expect.poll(() => served.includes('report ok')).toBe(true);
    const batches = served.filter((s) => s.startsWith('addVerdicts'));
    expect(batches.length).toBeGreaterThan(0);
    expect(batches.every((s) => s === 'addVerdicts ok')).toBe(true);
    expect(served.at(-1)).toBe('report ok'); // every batch was in before the report
  } else {
    await verify(page, bundle, { waitFor: 'error' });
    await expect(page.locator('#error-detail')).toContainText(/whose summary contradicts its problems/);
    await expect.poll(() => served.includes('addVerdicts refused')).toBe(true);
    expect(served.some((s) => s.startsWith('report'))).toBe(false);
  }
}
