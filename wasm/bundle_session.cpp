// BundleSession: the coordinator worker's handle on the core's VerificationSession. Marshalling
// only: files and the key in, certificate slices out to the verifier workers, their verdicts
// back in (the session checks them), the report out as the core's own JSON.
#include <emscripten/bind.h>

#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "js_values.hpp"
#include "reelcheck/chip_id.hpp"
#include "reelcheck/hex.hpp"
#include "reelcheck/report.hpp"
#include "reelcheck/session.hpp"

namespace reelcheck::wasm {
namespace {

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
  // -> {ok:true, certificates, reelId, batchId} or {ok:false, error}
  val open(const val& progress) {
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
      // The key is wiped however open() ends, an exception (out of memory) included.
      struct KeyWiper {
        BundleSession& session;
        ~KeyWiper() { session.wipe_key(); }
      } wiper{*this};
      session_.emplace(store_);
      auto error = session_->open(files, ByteView(key_.data(), key_.size()), fn);
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

  std::size_t certificateCount() const { return session_ ? session_->certificate_count() : 0; }

  // Certificates [begin, end) for a verifier worker; each data is a fresh (transferable) copy.
  val certificateSlice(std::size_t begin, std::size_t end) const {
    val out = val::array();
    if (!session_) return out;
    for (const auto& c : session_->certificates({begin, end})) {
      val item = val::object();
      item.set("archive", c.archive);
      item.set("name", c.name);
      item.set("slot", std::string(slot_name(c.slot)));
      item.set("data", copy_to_js(c.data.data(), c.data.size()));
      out.call<void>("push", item);
    }
    return out;
  }

  // batches: [{begin, verdicts: <string from Verifier.verifySlice>}, ...] in any order, where
  // `begin` is the index of the slice's first certificate (certificateSlice(begin, ...)).
  // Fails closed (the session's rules): every certificate answered exactly once, in its place.
  // -> {ok:true, json: <report_to_json, no secrets>} — the same bytes the CLI writes.
  val buildReport(const val& batches, const std::string& check_time_iso) {
    return guarded([&] {
      if (!session_) return bad_input("No bundle is open.");
      const auto at = parse_check_time(check_time_iso);
      if (!at) return bad_check_time(check_time_iso);
      session_->clear_verdicts();
      has_report_ = false;
      const auto n = batches["length"].as<std::size_t>();
      for (std::size_t i = 0; i < n; ++i) {
        const val batch = batches[i];
        if (batch["begin"].typeOf().as<std::string>() != "number" ||
            batch["verdicts"].typeOf().as<std::string>() != "string")
          return refuse("A verdict batch from a verifier is malformed.");
        const double begin = batch["begin"].as<double>();
        if (!(begin >= 0) || std::floor(begin) != begin ||
            begin > static_cast<double>(session_->certificate_count()))
          return refuse("A verdict batch from a verifier starts at no certificate.");
        auto part = verdicts_from_json(batch["verdicts"].as<std::string>());
        if (!part) return refuse(part.error());
        if (auto error =
                session_->add_verdicts(static_cast<std::size_t>(begin), std::move(part).value()))
          return refuse(*error);
      }
      auto report = session_->report(ReportOptions{*at, false});
      if (!report) return refuse(report.error());
      check_time_ = *at;
      has_report_ = true;
      val out = ok_value();
      out.set("json", report_to_json(*report));
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
    has_report_ = false;
  }

private:
  // Nothing of a refused round is kept: no report can be exported from it.
  val refuse(const Error& error) {
    session_->clear_verdicts();
    return error_value(error);
  }
  val refuse(const std::string& message) {
    session_->clear_verdicts();
    return bad_input(message);
  }

  val exported(bool include_secrets, bool csv) const {
    if (!session_ || !has_report_) return bad_input("No report yet.");
    auto report = session_->report(ReportOptions{check_time_, include_secrets});
    if (!report) return error_value(report.error());
    std::string text = csv ? report_to_csv(*report) : report_to_json(*report);
    val out = ok_value();
    out.set(csv ? "csv" : "json", text);
    if (include_secrets) secure_wipe(text.data(), text.size());
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
  bool has_report_ = false;
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
      .function("certificateCount", &BundleSession::certificateCount)
      .function("certificateSlice", &BundleSession::certificateSlice)
      .function("buildReport", &BundleSession::buildReport)
      .function("exportJson", &BundleSession::exportJson)
      .function("exportCsv", &BundleSession::exportCsv)
      .function("chipSecrets", &BundleSession::chipSecrets)
      .function("wipe", &BundleSession::wipe);
}
