// BundleSession: the coordinator worker's handle on the core's VerificationSession. Marshalling
// only: files and the key in; the session's work items out to the verifier workers (archives to
// unpack, certificate slices to verify) and their results back in (the session checks them);
// the page's view of the report out (report_view.hpp) and the core's own JSON and CSV on export.
#include <emscripten/bind.h>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "certificate_wire.hpp"
#include "js_values.hpp"
#include "key_wire.hpp"
#include "reelcheck/chip_id.hpp"
#include "reelcheck/export.hpp"
#include "reelcheck/hex.hpp"
#include "reelcheck/lookup.hpp"
#include "reelcheck/reel_inputs.hpp"
#include "reelcheck/report.hpp"
#include "reelcheck/session.hpp"
#include "report_view.hpp"
#include "verdict_wire.hpp"

namespace reelcheck::wasm {
namespace {

// The work items as the page receives them: protocol.js defines them there (EVENTS.unpack and
// EVENTS.slice), and these two builders are the only place this side spells their names and
// fields. The worker checks samples of both against protocol.js when the core loads
// (workItemSamples), so a core and a page that disagree never start a run.
val unpack_item(const CertificateArchiveJob& job) {
  val item = val::object();
  item.set("type", std::string("unpack"));
  item.set("archive", static_cast<double>(job.archive));
  item.set("name", job.name);
  item.set("slot", std::string(slot_name(job.slot)));
  item.set("bytes", copy_to_js(job.bytes.data(), job.bytes.size()));
  item.set("maxTotalSize", static_cast<double>(job.limits.max_total_size));
  return item;
}

// A slice names its certificates (wire::encode_slice_ref): the verifier that takes it holds
// them already, from unpacking their archive or from its outcome (run.js hands it on).
val slice_item(const CertificateSlice& slice) {
  const auto bytes = wire::encode_slice_ref(slice);
  val item = val::object();
  item.set("type", std::string("slice"));
  item.set("archive", static_cast<double>(slice.archive));
  item.set("begin", static_cast<double>(slice.begin));
  item.set("count", static_cast<double>(slice.certificates.size()));
  item.set("bytes", copy_to_js(bytes.data(), bytes.size()));
  return item;
}

// One item of each kind, built from placeholder work by the builders above (a slice of one
// certificate: protocol.js refuses an empty one).
val workItemSamples() {
  const std::vector<CertificateFile> one_certificate(1);
  val samples = val::array();
  samples.call<void>("push", unpack_item(CertificateArchiveJob{}));
  samples.call<void>("push", slice_item(CertificateSlice{0, 0, one_certificate, {}}));
  return samples;
}

// The files handed over, sorted into reels by the core's rules as the CLI sorts its arguments
// (group_inputs_by_reel): one reel's files, with the grouping's findings (a file handed over
// twice, a lone inner archive), or an error when they hold several reels: the page verifies one
// reel per run, the CLI each reel it is given. A file that is neither an inner archive nor a
// bundle whose reel its listing names (a folder's notes, a damaged download) is no reel of its
// own here: it goes to the session with the rest, which says what it is (ignored_input, or why
// it cannot be read).
Result<std::pair<std::vector<InputFile>, std::vector<Finding>>>
one_reel(const std::vector<InputFile>& files) {
  std::vector<HandedOverItem> items;
  std::vector<std::size_t> file_of; // items[i] is files[file_of[i]]
  for (std::size_t i = 0; i < files.size(); ++i) {
    HandedOverItem item{files[i].name, {files[i]}};
    if (!names_an_inner_archive(files[i].name)) {
      if (files.size() == 1) continue; // nothing to share a reel with
      item.reel = bundle_reel(files[i]); // from its listing: no entry is unpacked
      if (!item.reel) continue;
    }
    items.push_back(std::move(item));
    file_of.push_back(i);
  }
  auto reels = group_inputs_by_reel(items);
  if (reels.empty()) return std::pair{files, std::vector<Finding>{}};
  if (reels.size() > 1) {
    std::string names;
    for (const auto& r : reels)
      names += (names.empty() ? "" : ", ") + r.name;
    return make_error(ErrorCode::kBadInput,
                      "these files hold " + std::to_string(reels.size()) + " reels (" + names +
                          "); the page verifies one reel at a time: choose the files of one reel");
  }
  // The reel's items (a file handed over twice is in it once) and every other file, in the
  // order they were handed over.
  std::vector<bool> keep(files.size(), true);
  for (const std::size_t f : file_of)
    keep[f] = false;
  for (const std::size_t item : reels.front().items)
    keep[file_of[item]] = true;
  std::vector<InputFile> out;
  for (std::size_t i = 0; i < files.size(); ++i)
    if (keep[i]) out.push_back(files[i]);
  return std::pair{std::move(out), std::move(reels.front().findings)};
}

class BundleSession {
public:
  explicit BundleSession(bool use_defaults) : store_(make_store(use_defaults)) {}
  ~BundleSession() { wipe(); }

  val addTrustAnchor(const std::string& source, const val& bytes) {
    if (session_) return bad_input("The bundle is already open.");
    return add_anchor(store_, source, bytes);
  }
  std::size_t anchorCount() const { return store_.anchors().size(); }

  // One input file as the user handed it over (outer .7z/.zip or an inner archive).
  val addInput(const std::string& name, const val& bytes) {
    return guarded([&] {
      auto& input = inputs_.emplace_back();
      input.first = name;
      copy_from_js(bytes, input.second);
      return ok_value();
    });
  }

  // The transport key's UTF-8 bytes, given just before decrypt() (the page begins a run when the
  // bundle is chosen; the key comes at Verify). Kept in wiping memory until decrypt() ends (or
  // wipe()), then wiped.
  val setKey(const val& bytes) {
    return guarded([&] {
      copy_from_js(bytes, key_);
      return ok_value();
    });
  }

  // The keys archive's key as a verifier derived it ahead (Verifier's deriveKeysArchiveKey, in
  // wire/key_wire.hpp), given with the key just before decrypt(): a hint, taken only for the key
  // it was derived from (read_keys_archive). Wiped with the key.
  val setDerivedKey(const val& bytes) {
    return guarded([&] {
      SecureBytes wire_bytes;
      copy_from_js(bytes, wire_bytes);
      auto decoded = wire::decode_derived_key(as_bytes(wire_bytes));
      if (!decoded) return error_value(decoded.error());
      derived_key_ = std::move(decoded).value();
      return ok_value();
    });
  }

  // Starts the run: the core's session, under the check time and this session's anchors. The
  // outer layers are read here; then every work item the session releases goes to post(item)
  // for the verifier workers, its bytes one transferable Uint8Array: an unpack_item (for
  // Verifier.unpackArchive) or a slice_item (for Verifier.verifySlice).
  // The keys archive is decrypted here, where the key is, by decrypt(), once the archives'
  // outcomes are in: then this worker never holds an outcome back while it derives the key.
  // progress(phase, done, total) as the core goes. -> {ok:true, archives} or {ok:false,
  // error}; unless it succeeded the key is wiped. certs_only: no key, and the keys archive is
  // listed, never opened.
  val open(const val& progress, const val& post, unsigned verifiers, bool certs_only,
           const std::string& check_time_iso) {
    return guarded([&] {
      const auto at = parse_check_time(check_time_iso);
      if (!at) return bad_check_time(check_time_iso);
      std::vector<InputFile> files;
      files.reserve(inputs_.size());
      for (const auto& [name, bytes] : inputs_)
        files.push_back(InputFile{name, ByteView(bytes.data(), bytes.size())});
      auto reel = one_reel(files);
      if (!reel) return error_value(reel.error());
      input_findings_ = std::move(reel->second);
      files = std::move(reel->first);
      if (progress.typeOf().as<std::string>() == "function") {
        progress_ = [progress](Phase p, std::uint64_t done, std::uint64_t total) {
          progress(std::string(phase_name(p)), static_cast<double>(done),
                   static_cast<double>(total));
        };
      } else {
        progress_ = {};
      }
      post_ = post;
      // Unless open() succeeds, the key and the half-open session go, however it ends. "However"
      // includes exceptions: a C++ one (out of memory), and a JavaScript one thrown by the
      // progress or post callback, which passes through guarded() to the worker. The wasm
      // build's native exceptions (-fwasm-exceptions) run this destructor, and the core's (the
      // key's copies, the decrypted entries, the parsed secrets), on that path too.
      struct Cleanup {
        BundleSession& session;
        bool opened = false;
        ~Cleanup() {
          // The keys archive's bytes may be an input itself (loose archives): the inputs stay
          // until decrypt() has read it.
          if (!opened) {
            session.wipe_key();
            session.session_.reset();
            session.release_inputs();
          }
        }
      } cleanup{*this};
      report_.reset();
      archives_posted_ = 0;
      session_.emplace(store_, *at, Limits{}, std::max(1u, verifiers));
      const SecureBytes* key = &key_;
      auto error = certs_only ? session_->begin_certificates_only(files, progress_)
                              : session_->begin(
                                    files,
                                    [key](std::string_view) {
                                      return SecureBytes(key->begin(), key->end());
                                    },
                                    progress_);
      if (error) return error_value(*error);
      post_work();
      cleanup.opened = true;
      val out = ok_value();
      out.set("archives", static_cast<double>(archives_posted_));
      return out;
    });
  }

  // A worker's outcome of an "unpack" item (Verifier.unpackArchive). The archive's slices go to
  // post() at once. The outcome's bytes are copied here and left as they were: the page hands
  // them on to a verifier that takes a slice of an archive another one unpacked. -> {ok:true} or
  // {ok:false, error}: the run's error (the first in the archives' order once every archive before
  // it is in), or a malformed outcome.
  val addUnpacked(const val& outcome) {
    return guarded([&] {
      if (!session_) return bad_input("No bundle is open.");
      std::vector<std::uint8_t> bytes;
      copy_from_js(outcome, bytes);
      auto decoded = wire::decode_unpack_outcome(bytes);
      if (!decoded) return refuse(decoded.error());
      if (auto refused = session_->complete(std::move(decoded).value())) return refuse(*refused);
      if (auto e = session_->error()) return refuse(*e);
      post_work();
      return ok_value();
    });
  }

  // The keys archive, decrypted with the transport key and its key files parsed, here in the
  // coordinator (the key never reaches a verifier). The page asks once every archive's outcome
  // is in, while the verifiers verify. The key is wiped when decrypt() ends, however it ends
  // (the same destructor path as open()). -> {ok:true} or {ok:false, error}: the run's error
  // (a wrong key first of all), now that every job is in.
  val decrypt() {
    return guarded([&] {
      // Every archive's job was posted with a copy of its bytes, and the keys archive is read
      // now: neither the key nor the inputs are needed after this, however it ends.
      struct WipeKey {
        BundleSession& session;
        ~WipeKey() {
          session.wipe_key();
          session.release_inputs();
        }
      } wipe_key_when_done{*this};
      if (!session_) return bad_input("No bundle is open.");
      bool key_given = false;
      if (auto keys = session_->keys_job()) {
        const SecureBytes transport_key = session_->key_for(*keys);
        auto read = derived_key_ ? read_keys_archive(*keys, as_bytes(transport_key), *derived_key_)
                                 : read_keys_archive(*keys, as_bytes(transport_key));
        key_given = read && read->key_given;
        if (auto refused = session_->complete(std::move(read))) return refuse(*refused);
      }
      if (auto e = session_->error()) return refuse(*e);
      post_work();
      val out = ok_value();
      out.set("keyDerivedAhead", key_given);
      return out;
    });
  }

  // One slice's verdicts (a Uint8Array from Verifier.verifySlice), as it comes back, in any
  // order: the session checks it at once against what it handed out (every certificate
  // answered exactly once, in its place, at the run's check time, under its anchors) and keeps
  // it, so the report at the end has only the report to build. -> {ok:true} or {ok:false,
  // error}: a refused batch is the run's error (fail closed; the session is dropped).
  val addVerdicts(const val& batch) {
    return guarded([&] {
      if (!session_) return bad_input("No bundle is open.");
      if (!batch.instanceof(val::global("Uint8Array")))
        return refuse("A verdict batch from a verifier is malformed.");
      std::vector<std::uint8_t> bytes;
      copy_from_js(batch, bytes);
      auto part = wire::decode_verdict_slice(bytes);
      if (!part) return refuse(part.error());
      if (auto error = session_->complete(std::move(part).value())) return refuse(*error);
      if (auto e = session_->error()) return refuse(*e);
      return ok_value();
    });
  }

  // Once every slice's verdicts are in (addVerdicts) and the keys archive is read (decrypt):
  // the session refuses a report while any certificate lacks its verdict. -> {ok:true, view:
  // <report_view_json>}; the full report is kept for chipJson and the exports.
  val buildReport() {
    return guarded([&] {
      if (!session_) return bad_input("No bundle is open.");
      report_.reset();
      if (auto e = session_->error()) return refuse(*e);
      // Taken, not copied: the session's verdicts move into the report (an export with the
      // secrets adds them to a copy of it, `exported`).
      auto report =
          session_->take_report(ReportOptions{session_->terms().at, false, input_findings_});
      if (!report) return refuse(report.error());
      release_inputs();
      report_.emplace(std::move(report).value());
      val out = ok_value();
      out.set("view", report_view_json(*report_));
      return out;
    });
  }

  // One chip's full record (the same object as in the report), for the detail panel.
  // -> {ok:true, json} or {ok:false} when there is no report or no such chip.
  val chipJson(const std::string& chip_id) const {
    return guarded([&] {
      if (!report_) return bad_input("No report yet.");
      const ChipRecord* chip = report_->find_chip(chip_id);
      if (!chip) return bad_input("Chip " + chip_id + " is not in this bundle.");
      val out = ok_value();
      out.set("json", val(chip_to_json(*chip, false).c_str()));
      return out;
    });
  }

  // The report again, with or without the secrets (only when the user asked for them).
  val exportJson(bool include_secrets) const {
    return guarded([&] { return exported(include_secrets, false); });
  }
  val exportCsv(bool include_secrets) const {
    return guarded([&] { return exported(include_secrets, true); });
  }

  // Registration files for the cloud (`reelcheck export`), as one ZIP written by the core: only
  // verified certificates, manifest.json with what was left out and why. format: "aws-bulk",
  // "aws-cli", "azure-dps", "thingpress"; slot: "E0E0" | "E0E1" | "E0E2".
  // -> {ok:true, zip: Uint8Array, exported, leftOut, withheld} or {ok:false, error}.
  val registrationZip(const std::string& format, const std::string& slot, bool include_extra) const {
    return guarded([&] {
      if (!session_ || !report_) return bad_input("No report yet.");
      const auto f = parse_export_format(format);
      const auto s = parse_slot(slot);
      if (!f || !s) return bad_input("Unknown export format or slot: " + format + " / " + slot);
      const ExportOptions options{*f, *s, include_extra};
      auto files = export_registration(*report_, session_->bundle().certificates, options);
      if (!files) return error_value(files.error());
      auto zip = write_zip(files->files, session_->terms().at);
      if (!zip) return error_value(zip.error());
      val out = ok_value();
      out.set("zip", copy_to_js(zip->data(), zip->size()));
      out.set("exported", static_cast<double>(files->exported));
      out.set("leftOut", static_cast<double>(files->left_out));
      out.set("withheld", static_cast<double>(files->withheld));
      return out;
    });
  }

  // PBS and authorization reference of one chip, for the explicit "reveal" in the detail panel.
  // -> {ok:true, chipId, pbs: hex|null, auth: hex|null}
  val chipSecrets(const std::string& chip_id) const {
    return guarded([&] {
      if (!session_) return bad_input("No bundle is open.");
      const auto id = parse_chip_id(chip_id);
      if (!id) return bad_input("Not a chip ID.");
      const std::string wanted = id->hex();
      val out = ok_value();
      out.set("chipId", wanted);
      out.set("pbs", secret_hex(session_->bundle().pbs, wanted));
      out.set("auth", secret_hex(session_->bundle().auth, wanted));
      return out;
    });
  }

  // Drops the key, the inputs, the bundle (secrets are in wiping buffers) and the verdicts.
  void wipe() {
    wipe_key();
    release_inputs();
    session_.reset();
    report_.reset();
    progress_ = {};
    post_ = val::undefined();
  }

  // A chip ID or 27-byte UID as typed, answered by the core's look_up_chip from the report:
  // the page shows the answer's message as the CLI does, and applies no rule of its own.
  // -> {ok:true, json: {"query", "answer", "chip_id", "certificate_checked", "message"[,
  // "chip"]}} (lookup_answer_to_json_line, never with secret values) or {ok:false} before a
  // report.
  val lookUp(const std::string& text) const {
    return guarded([&] {
      if (!report_) return bad_input("No report yet.");
      const LookupAnswer answer = look_up_chip(*report_, text, std::nullopt, Slot::kE0E0);
      val out = ok_value();
      out.set("json", val(lookup_answer_to_json_line(answer, false).c_str()));
      return out;
    });
  }

private:
  // Nothing of a refused run is kept: no report can be made or exported from it.
  val refuse(const Error& error) {
    session_.reset();
    report_.reset();
    release_inputs();
    return error_value(error);
  }
  val refuse(const std::string& message) { return refuse(make_error(ErrorCode::kBadInput, message)); }

  // Hands every item the session releases now to the page, for the verifier workers.
  void post_work() {
    if (post_.typeOf().as<std::string>() != "function") return;
    while (auto item = session_->next_work(/*with_keys=*/false)) {
      if (const auto* job = std::get_if<CertificateArchiveJob>(&*item)) {
        ++archives_posted_;
        post_(unpack_item(*job));
      } else if (const auto* slice = std::get_if<CertificateSlice>(&*item)) {
        post_(slice_item(*slice));
      } // the keys archive is never handed out (with_keys is false)
    }
  }

  val exported(bool include_secrets, bool csv) const {
    if (!session_ || !report_) return bad_input("No report yet.");
    // The kept report has no secret values; a copy gets them for this export only.
    std::optional<Report> with_secrets;
    if (include_secrets) {
      with_secrets.emplace(*report_);
      add_secret_values(*with_secrets, session_->bundle());
    }
    const Report& report = with_secrets ? *with_secrets : *report_;
    // SecureString: every buffer of the text is wiped as it is released (it may hold secrets).
    const SecureString text = csv ? report_to_csv(report) : report_to_json(report);
    val out = ok_value();
    out.set(csv ? "csv" : "json", val(text.c_str()));
    return out;
  }

  static val secret_hex(const KeyFile& file, const std::string& chip_id) {
    for (const auto& r : file.records) {
      if (r.chip_id != chip_id) continue;
      std::string hex = to_hex(as_bytes(r.key), /*upper=*/true);
      val v(hex);
      secure_wipe(hex.data(), hex.size());
      return v;
    }
    return val::null();
  }

  void wipe_key() {
    secure_wipe(key_.data(), key_.size());
    key_.clear();
    key_.shrink_to_fit();
    derived_key_.reset(); // its buffers wipe themselves
  }

  void release_inputs() {
    inputs_.clear();
    inputs_.shrink_to_fit();
  }

  TrustStore store_;
  std::vector<std::pair<std::string, std::vector<std::uint8_t>>> inputs_;
  std::vector<Finding> input_findings_; // the reel grouping's, for the report
  SecureBytes key_;
  std::optional<SevenZipKey> derived_key_;
  std::optional<VerificationSession> session_;
  ProgressFn progress_; // the session calls it while it runs (addUnpacked, addVerdicts too)
  val post_ = val::undefined();
  std::size_t archives_posted_ = 0;
  std::optional<Report> report_; // without secret values; none after a refused round
};

} // namespace
} // namespace reelcheck::wasm

EMSCRIPTEN_BINDINGS(reelcheck_bundle_session) {
  using reelcheck::wasm::BundleSession;
  emscripten::function("workItemSamples", &reelcheck::wasm::workItemSamples);
  emscripten::class_<BundleSession>("BundleSession")
      .constructor<bool>()
      .function("addTrustAnchor", &BundleSession::addTrustAnchor)
      .function("anchorCount", &BundleSession::anchorCount)
      .function("addInput", &BundleSession::addInput)
      .function("setKey", &BundleSession::setKey)
      .function("setDerivedKey", &BundleSession::setDerivedKey)
      .function("open", &BundleSession::open)
      .function("addUnpacked", &BundleSession::addUnpacked)
      .function("addVerdicts", &BundleSession::addVerdicts)
      .function("decrypt", &BundleSession::decrypt)
      .function("buildReport", &BundleSession::buildReport)
      .function("chipJson", &BundleSession::chipJson)
      .function("exportJson", &BundleSession::exportJson)
      .function("exportCsv", &BundleSession::exportCsv)
      .function("registrationZip", &BundleSession::registrationZip)
      .function("chipSecrets", &BundleSession::chipSecrets)
      .function("wipe", &BundleSession::wipe)
      .function("lookUp", &BundleSession::lookUp);
}
