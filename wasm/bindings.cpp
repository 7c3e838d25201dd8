// Embind layer: the Reelcheck core as seen from the page's Web Workers. Marshalling only — the
// pipeline is the core's VerificationSession, the same one the CLI runs. One file per exported
// capability; this one holds the small helpers (the code table, check time, versions, the
// coordinator's warm-up).
//
//   coordinator worker                          verifier workers (one Verifier each)
//   ------------------                          ------------------------------------
//   s = new BundleSession(useDefaults)          (bundle_session.cpp)
//   s.addTrustAnchor(name, bytes)               v = new Verifier(useDefaults)   (verifier.cpp)
//   s.addInput(name, bytes)  (each file)        v.addTrustAnchor(name, bytes)
//                                               deriveKeysArchiveKey(key) -> derived (at Verify,
//                                                 on a verifier with nothing else to do yet)
//   s.setKey(bytes), s.setDerivedKey(derived)
//   s.open(progressFn, postFn, n, certsOnly, checkTime) -> {archives}
//     postFn({type: "unpack", ...})     ------->  v.unpackArchive(run, ...) -> outcome bytes
//   s.addUnpacked(outcome)  <----------------------------------------'   (v keeps the certificates)
//     (the outcome's bytes back, for a verifier w that takes a slice of it:
//                                       ------->  w.adoptArchive(run, outcome))
//     postFn({type: "slice", ...})      ------->  v.verifySlice(run, slice) -> verdict bytes
//   s.addVerdicts(verdict bytes)  <------------------------------------------'
//   s.decrypt()  (once every outcome is in; the key derived ahead spares it the derivation)
//   s.buildReport()
//     -> the page's report view (report_view.hpp)
//   s.chipJson(chipId), s.lookUp(text), s.exportJson(withSecrets), s.exportCsv(withSecrets),
//   s.chipSecrets(chipId), s.wipe()
//   warmUpCoordinator()  (once, after loading: coordinator_warm_up.hpp)
//
// Bytes in as Uint8Array (copied once, straight into the core's buffers); work items, outcomes
// and verdicts between workers in the wire formats of wire/ (one transferable buffer each, strict
// readers); reports out as the core's own JSON; errors as {ok:false, error:{code, message}} values
// (js_values.hpp). No exception ever crosses into JavaScript.
#include <emscripten/bind.h>

#include <string>

#include "coordinator_warm_up.hpp"
#include "js_values.hpp"
#include "reelcheck/chip_id.hpp"
#include "reelcheck/report.hpp"
#include "reelcheck/version.hpp"

namespace reelcheck::wasm {
namespace {

// The code table (reelcheck/codes.hpp) as JSON: the page's words for every finding, error,
// status and severity come from here (code_table_json), never from a list of its own.
std::string codeTable() { return code_table_json(); }

// Checks an ISO time the way the core will read it -> {ok:true, checkTime: normalised form},
// or the same bad_input error (and words) buildReport and verifySlice give for it.
val normaliseCheckTime(const std::string& iso) {
  const auto t = parse_check_time(iso);
  if (!t) return bad_check_time(iso);
  val out = ok_value();
  out.set("checkTime", format_check_time(*t));
  return out;
}

// {reelcheck, mbedtls, lzmaSdk, zlib}: what the page was built from.
val libraryVersions() {
  const LibraryVersions v = library_versions();
  val out = val::object();
  out.set("reelcheck", v.reelcheck);
  out.set("mbedtls", v.mbedtls);
  out.set("lzmaSdk", v.lzma_sdk);
  out.set("zlib", v.zlib);
  return out;
}

// The coordinator's once-per-run code on made-up reels, while the page waits for the user
// (coordinator_warm_up.hpp). -> {ok:true}, or an error value (out of memory).
val warmUpCoordinator() {
  return guarded([] {
    warm_up_coordinator();
    return ok_value();
  });
}

} // namespace
} // namespace reelcheck::wasm

EMSCRIPTEN_BINDINGS(reelcheck_text) {
  emscripten::function("warmUpCoordinator", &reelcheck::wasm::warmUpCoordinator);
  emscripten::function("codeTable", &reelcheck::wasm::codeTable);
  emscripten::function("normaliseCheckTime", &reelcheck::wasm::normaliseCheckTime);
  emscripten::function("libraryVersions", &reelcheck::wasm::libraryVersions);
}
