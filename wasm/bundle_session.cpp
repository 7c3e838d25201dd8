// BundleSession: the coordinator worker's handle on the core's VerificationSession. Marshalling
// only: files and the key in, certificate slices out to the verifier workers, their verdicts
// back in (the session checks them), the page's view of the report out (report_view.hpp) and the
// core's own JSON and CSV on export.
#include <emscripten/bind.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "certificate_wire.hpp"
#include "js_values.hpp"
#include "reelcheck/chip_id.hpp"
#include "reelcheck/hex.hpp"
#include "reelcheck/report.hpp"
#include "reelcheck/session.hpp"
#include "report_view.hpp"
#include "verdict_wire.hpp"

namespace reelcheck::wasm {
namespace {

// (offset, count) slices of `n` certificates for `workers` verifiers: a share of what is left
// each, large while much is left (a few ms of messaging against ~100 ms of verification), down
// to kMinSlice at the end.
std::vector<std::pair<std::size_t, std::size_t>> guided_slices(std::size_t n, unsigned workers) {
  constexpr std::size_t kMinSlice = 128, kMaxSlice = 1024;
  const std::size_t share = 3 * std::max(1u, workers);
  std::vector<std::pair<std::size_t, std::size_t>> out;
  for (std::size_t at = 0; at < n;) {
    const std::size_t left = n - at;
    const std::size_t size =
        std::min(left, std::clamp((left + share - 1) / share, kMinSlice, kMaxSlice));
    out.emplace_back(at, size);
    at += size;
  }
  return out;
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

  // The transport key's UTF-8 bytes. Kept in wiping memory, and wiped right after open().
  val setKey(const val& bytes) {
    return guarded([&] {
      copy_from_js(bytes, key_);
      return ok_value();
    });
  }

  // progress(phase: "reading"|"decrypting"|..., done, total) is called as the core goes.
  // slice(begin, count, bytes) gets the certificates for the verifier workers while open() still
  // unpacks: each certificate archive as soon as it is done, cut into slices for `verifiers`
  // workers (certificate wire format, one transferable Uint8Array each). Slices shrink towards
  // an archive's end, so that after the last one the workers finish together.
  // -> {ok:true, certificates, reelId, batchId} or {ok:false, error}. Verdicts for the slices
  // are only taken (buildReport) once open() has succeeded.
  val open(const val& progress, const val& slice, unsigned verifiers) {
    return guarded([&] {
      std::vector<InputFile> files;
      files.reserve(inputs_.size());
      for (const auto& [name, bytes] : inputs_)
        files.push_back(InputFile{name, ByteView(bytes.data(), bytes.size())});
      ProgressFn fn;
      if (progress.typeOf().as<std::string>() == "function") {
        fn = [&progress](Phase p, std::uint64_t done, std::uint64_t total) {
          progress(std::string(phase_name(p)), static_cast<double>(done),
                   static_cast<double>(total));
        };
      }
      CertificatesReadyFn ready;
      if (slice.typeOf().as<std::string>() == "function") {
        ready = [&slice, verifiers](std::size_t begin, std::span<const CertificateFile> added) {
          for (const auto& [offset, count] : guided_slices(added.size(), verifiers)) {
            const auto bytes = wire::encode_certificates(added.subspan(offset, count));
            slice(static_cast<double>(begin + offset), static_cast<double>(count),
                  copy_to_js(bytes.data(), bytes.size()));
          }
        };
      }
      // The key is wiped however open() ends, an exception (out of memory) included.
      struct KeyWiper {
        BundleSession& session;
        ~KeyWiper() { session.wipe_key(); }
      } wiper{*this};
      session_.emplace(store_);
      auto error = session_->open(files, ByteView(key_.data(), key_.size()), fn, ready);
      release_inputs();
      if (error) {
        session_.reset();
        return error_value(*error);
      }
      const Bundle& bundle = session_->bundle();
      val out = ok_value();
      out.set("certificates", static_cast<double>(bundle.certificates.size()));
      out.set("reelId", bundle.reel_id);
      out.set("batchId", bundle.batch_id);
      return out;
    });
  }

  // batches: [{begin, verdicts: Uint8Array from Verifier.verifySlice}, ...] in any order, where
  // `begin` is the index of the slice's first certificate (as open() handed it out).
  // Fails closed (the session's rules): every certificate answered exactly once, in its place.
  // -> {ok:true, view: <report_view_json>}; the full report is kept for chipJson and exports.
  val buildReport(const val& batches, const std::string& check_time_iso) {
    return guarded([&] {
      if (!session_) return bad_input("No bundle is open.");
      const auto at = parse_check_time(check_time_iso);
      if (!at) return bad_check_time(check_time_iso);
      session_->clear_verdicts();
      report_.reset();
      const val uint8_array = val::global("Uint8Array");
      const auto n = batches["length"].as<std::size_t>();
      std::vector<std::uint8_t> bytes;
      for (std::size_t i = 0; i < n; ++i) {
        const val batch = batches[i];
        if (batch["begin"].typeOf().as<std::string>() != "number" || !batch["verdicts"].instanceof
            (uint8_array))
          return refuse("A verdict batch from a verifier is malformed.");
        const double begin = batch["begin"].as<double>();
        if (!(begin >= 0) || std::floor(begin) != begin ||
            begin > static_cast<double>(session_->certificate_count()))
          return refuse("A verdict batch from a verifier starts at no certificate.");
        copy_from_js(batch["verdicts"], bytes);
        auto part = wire::decode_verdicts(bytes);
        if (!part) return refuse(part.error());
        if (auto error =
                session_->add_verdicts(static_cast<std::size_t>(begin), std::move(part).value()))
          return refuse(*error);
      }
      auto report = session_->report(ReportOptions{*at, false});
      if (!report) return refuse(report.error());
      check_time_ = *at;
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
  }

private:
  // Nothing of a refused round is kept: no report can be exported from it.
  val refuse(const Error& error) {
    session_->clear_verdicts();
    report_.reset();
    return error_value(error);
  }
  val refuse(const std::string& message) {
    session_->clear_verdicts();
    report_.reset();
    return bad_input(message);
  }

  val exported(bool include_secrets, bool csv) const {
    if (!session_ || !report_) return bad_input("No report yet.");
    // The kept report has no secret values; one with them is built for this export only.
    std::optional<Report> with_secrets;
    if (include_secrets) {
      auto report = session_->report(ReportOptions{check_time_, true});
      if (!report) return error_value(report.error());
      with_secrets.emplace(std::move(report).value());
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
  }

  void release_inputs() {
    inputs_.clear();
    inputs_.shrink_to_fit();
  }

  TrustStore store_;
  std::vector<std::pair<std::string, std::vector<std::uint8_t>>> inputs_;
  SecureBytes key_;
  std::optional<VerificationSession> session_;
  CheckTime check_time_ = 0;
  std::optional<Report> report_; // without secret values; none after a refused round
};

} // namespace
} // namespace reelcheck::wasm

EMSCRIPTEN_BINDINGS(reelcheck_bundle_session) {
  using reelcheck::wasm::BundleSession;
  emscripten::class_<BundleSession>("BundleSession")
      .constructor<bool>()
      .function("addTrustAnchor", &BundleSession::addTrustAnchor)
      .function("anchorCount", &BundleSession::anchorCount)
      .function("addInput", &BundleSession::addInput)
      .function("setKey", &BundleSession::setKey)
      .function("open", &BundleSession::open)
      .function("buildReport", &BundleSession::buildReport)
      .function("chipJson", &BundleSession::chipJson)
      .function("exportJson", &BundleSession::exportJson)
      .function("exportCsv", &BundleSession::exportCsv)
      .function("chipSecrets", &BundleSession::chipSecrets)
      .function("wipe", &BundleSession::wipe);
}
