// Embind layer: the Reelcheck core as seen from the page's Web Workers.
//
// Thin on purpose: bytes in as Uint8Array (copied once, straight into the core's buffers),
// results out as the core's own JSON, errors as {ok:false, error:{code, message}} values.
// No exception ever crosses into JavaScript; no verification logic lives here.
//
//   coordinator worker                        verifier workers (one Verifier each)
//   ------------------                        ------------------------------------
//   s = new BundleSession(useDefaults)
//   s.addTrustAnchor(name, bytes)             v = new Verifier(useDefaults)
//   s.addInput(name, bytes)  (each file)      v.addTrustAnchor(name, bytes)
//   s.setKey(bytes)
//   s.open(progressFn)   -> summary
//   s.certificateSlice(b, e) ------------->   v.verifySlice(certs, checkTime) -> verdicts JSON
//   s.buildReport([{begin, verdicts JSON}...], checkTime) <-------------------'
//   s.exportJson(withSecrets), s.exportCsv(withSecrets), s.chipSecrets(chipId), s.wipe()

#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <algorithm>
#include <cstdint>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "reelcheck/bundle.hpp"
#include "reelcheck/certificate.hpp"
#include "reelcheck/chip_id.hpp"
#include "reelcheck/report.hpp"
#include "reelcheck/result.hpp"
#include "reelcheck/secure_bytes.hpp"
#include "reelcheck/trust.hpp"

using emscripten::typed_memory_view;
using emscripten::val;

namespace {

using namespace reelcheck;

val error_value(std::string_view code, const std::string& message) {
  val error = val::object();
  error.set("code", std::string(code));
  error.set("message", message);
  val out = val::object();
  out.set("ok", false);
  out.set("error", error);
  return out;
}

val error_value(const Error& e) {
  return error_value(error_code_name(e.code), e.message);
}

val ok_value() {
  val out = val::object();
  out.set("ok", true);
  return out;
}

// Runs f(); turns anything thrown (out of memory, a bug) into an error value.
template <class F> val guarded(F&& f) {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return error_value(error_code_name(ErrorCode::kLimitExceeded),
                       "Not enough memory in this browser tab to hold the bundle.");
  } catch (const std::exception& e) {
    return error_value("internal", std::string("Internal error: ") + e.what());
  } catch (...) {
    return error_value("internal", "Internal error.");
  }
}

// Copies a JS Uint8Array (or ArrayBuffer view) into `out` with a single copy: the C++ buffer is
// sized first, then the bytes are set into a view of it.
template <class Buffer> void copy_from_js(const val& bytes, Buffer& out) {
  const auto size = bytes["length"].as<std::size_t>();
  out.resize(size);
  if (size == 0) return;
  val view(typed_memory_view(size, out.data()));
  view.call<void>("set", bytes);
}

val copy_to_js(const std::uint8_t* data, std::size_t size) {
  // new Uint8Array(view) copies, so the result survives memory growth and can be transferred.
  return val::global("Uint8Array").new_(typed_memory_view(size, data));
}

std::optional<CheckTime> check_time_from(const std::string& iso) {
  return parse_check_time(iso);
}

val bad_check_time(const std::string& iso) {
  return error_value(error_code_name(ErrorCode::kBadInput),
                     "The check time \"" + iso +
                         "\" is not an ISO 8601 UTC time like 2026-06-01T00:00:00Z.");
}

// Both the session (for the report's trust-anchor list) and each verifier hold the same store.
TrustStore make_store(bool use_defaults) {
  return use_defaults ? TrustStore::infineon_default() : TrustStore::empty();
}

val add_anchor(TrustStore& store, const std::string& source, const val& bytes) {
  return guarded([&] {
    std::vector<std::uint8_t> pem;
    copy_from_js(bytes, pem);
    auto added = store.add(ByteView(pem.data(), pem.size()), source);
    if (!added) return error_value(added.error());
    val out = ok_value();
    out.set("added", static_cast<double>(*added));
    return out;
  });
}

class Verifier {
public:
  explicit Verifier(bool use_defaults) : store_(make_store(use_defaults)) {}

  val addTrustAnchor(const std::string& source, const val& bytes) {
    if (verifier_)
      return error_value(error_code_name(ErrorCode::kBadInput), "Verifier already in use.");
    return add_anchor(store_, source, bytes);
  }
  std::size_t anchorCount() const { return store_.anchors().size(); }

  // certs: [{archive, name, slot: "E0E0"|"E0E1"|"E0E2", data: Uint8Array}, ...]
  // -> {ok:true, verdicts: <verdicts_to_json string>, count}
  val verifySlice(const val& certs, const std::string& check_time_iso) {
    return guarded([&] {
      const auto at = check_time_from(check_time_iso);
      if (!at) return bad_check_time(check_time_iso);
      if (!verifier_) verifier_ = std::make_unique<ChainVerifier>(store_);
      const auto n = certs["length"].as<std::size_t>();
      std::vector<CertificateVerdict> verdicts;
      verdicts.reserve(n);
      CertificateFile file;
      for (std::size_t i = 0; i < n; ++i) {
        const val c = certs[i];
        file.archive = c["archive"].as<std::string>();
        file.name = c["name"].as<std::string>();
        const auto slot = parse_slot(c["slot"].as<std::string>());
        if (!slot)
          return error_value(error_code_name(ErrorCode::kBadInput),
                             "Unknown certificate slot for " + file.name);
        file.slot = *slot;
        copy_from_js(c["data"], file.data);
        verdicts.push_back(verifier_->verify(file, *at));
      }
      val out = ok_value();
      out.set("verdicts", verdicts_to_json(verdicts));
      out.set("count", static_cast<double>(n));
      return out;
    });
  }

private:
  TrustStore store_;
  std::unique_ptr<ChainVerifier> verifier_; // built on first use, after all anchors were added
};

class BundleSession {
public:
  explicit BundleSession(bool use_defaults) : store_(make_store(use_defaults)) {}
  ~BundleSession() { wipe(); }

  val addTrustAnchor(const std::string& source, const val& bytes) {
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
      auto result = BundleReader().open(files, ByteView(key_.data(), key_.size()), fn);
      release_inputs();
      if (!result) return error_value(result.error());
      bundle_ = std::make_unique<Bundle>(std::move(result).value());
      val out = ok_value();
      out.set("certificates", static_cast<double>(bundle_->certificates.size()));
      out.set("reelId", bundle_->reel_id);
      out.set("batchId", bundle_->batch_id);
      return out;
    });
  }

  std::size_t certificateCount() const { return bundle_ ? bundle_->certificates.size() : 0; }

  // Certificates [begin, end) for a verifier worker; each data is a fresh (transferable) copy.
  val certificateSlice(std::size_t begin, std::size_t end) const {
    val out = val::array();
    if (!bundle_) return out;
    const auto& certs = bundle_->certificates;
    end = std::min(end, certs.size());
    for (std::size_t i = begin; i < end; ++i) {
      const auto& c = certs[i];
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
  // Fails closed: the verdicts must answer every certificate exactly once, each in its place.
  // -> {ok:true, json: <report_to_json, no secrets>} — the same bytes the CLI writes.
  val buildReport(const val& batches, const std::string& check_time_iso) {
    return guarded([&] {
      if (!bundle_) return error_value(error_code_name(ErrorCode::kBadInput), "No bundle is open.");
      const auto at = check_time_from(check_time_iso);
      if (!at) return bad_check_time(check_time_iso);
      std::vector<std::pair<double, std::vector<CertificateVerdict>>> parts;
      const auto n = batches["length"].as<std::size_t>();
      for (std::size_t i = 0; i < n; ++i) {
        const val batch = batches[i];
        if (batch["begin"].typeOf().as<std::string>() != "number" ||
            batch["verdicts"].typeOf().as<std::string>() != "string")
          return error_value(error_code_name(ErrorCode::kBadInput),
                             "A verdict batch from a verifier is malformed.");
        auto part = verdicts_from_json(batch["verdicts"].as<std::string>());
        if (!part) return error_value(part.error());
        parts.emplace_back(batch["begin"].as<double>(), std::move(part).value());
      }
      std::sort(parts.begin(), parts.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      std::vector<CertificateVerdict> all;
      all.reserve(bundle_->certificates.size());
      for (auto& [begin, part] : parts) {
        const auto have = static_cast<double>(all.size());
        if (begin > have)
          return error_value(error_code_name(ErrorCode::kBadInput),
                             "verification is incomplete: no verdicts came back for certificates " +
                                 std::to_string(all.size() + 1) + " to " +
                                 std::to_string(static_cast<std::size_t>(begin)));
        if (begin < have)
          return error_value(
              error_code_name(ErrorCode::kBadInput),
              "verification is inconsistent: two verdicts came back for certificate " +
                  std::to_string(static_cast<std::size_t>(begin) + 1));
        for (auto& v : part)
          all.push_back(std::move(v));
      }
      if (auto mismatch = check_verdicts_answer(bundle_->certificates, all))
        return error_value(*mismatch);
      verdicts_ = std::move(all);
      check_time_ = *at;
      has_report_ = true;
      val out = ok_value();
      out.set("json", render(false, /*csv=*/false));
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
      if (!bundle_) return error_value(error_code_name(ErrorCode::kBadInput), "No bundle is open.");
      const auto id = parse_chip_id(chip_id);
      if (!id) return error_value(error_code_name(ErrorCode::kBadInput), "Not a chip ID.");
      const std::string wanted = id->hex();
      val out = ok_value();
      out.set("chipId", wanted);
      out.set("pbs", secret_hex(bundle_->pbs, wanted));
      out.set("auth", secret_hex(bundle_->auth, wanted));
      return out;
    });
  }

  // Drops the key, the inputs, the bundle (secrets are in wiping buffers) and the verdicts.
  void wipe() {
    wipe_key();
    release_inputs();
    bundle_.reset();
    verdicts_.clear();
    verdicts_.shrink_to_fit();
    has_report_ = false;
  }

private:
  val exported(bool include_secrets, bool csv) const {
    if (!bundle_ || !has_report_)
      return error_value(error_code_name(ErrorCode::kBadInput), "No report yet.");
    std::string text = render(include_secrets, csv);
    val out = ok_value();
    out.set(csv ? "csv" : "json", text);
    if (include_secrets) secure_wipe(text.data(), text.size());
    return out;
  }

  std::string render(bool include_secrets, bool csv) const {
    ReportOptions options;
    options.check_time = check_time_;
    options.include_secrets = include_secrets;
    const Report report = build_report(*bundle_, verdicts_, store_, options);
    return csv ? report_to_csv(report) : report_to_json(report);
  }

  static val secret_hex(const KeyFile& file, const std::string& chip_id) {
    for (const auto& r : file.records) {
      if (r.chip_id != chip_id) continue;
      static constexpr char digits[] = "0123456789ABCDEF";
      std::string hex;
      hex.reserve(r.key.size() * 2);
      for (const auto b : r.key) {
        hex.push_back(digits[b >> 4]);
        hex.push_back(digits[b & 15]);
      }
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
  std::unique_ptr<Bundle> bundle_;
  std::vector<CertificateVerdict> verdicts_;
  CheckTime check_time_ = 0;
  bool has_report_ = false;
};

// Chip ID or 27-byte coprocessor UID as typed -> the normalised chip ID, or null.
val lookupChip(const std::string& text) {
  const auto id = parse_chip_lookup(text);
  if (!id) return val::null();
  return val(id->hex());
}

// Checks an ISO time the way the core will read it -> normalised form, or null.
val normaliseCheckTime(const std::string& iso) {
  const auto t = parse_check_time(iso);
  if (!t) return val::null();
  return val(format_check_time(*t));
}

} // namespace

EMSCRIPTEN_BINDINGS(reelcheck) {
  emscripten::class_<Verifier>("Verifier")
      .constructor<bool>()
      .function("addTrustAnchor", &Verifier::addTrustAnchor)
      .function("anchorCount", &Verifier::anchorCount)
      .function("verifySlice", &Verifier::verifySlice);

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

  emscripten::function("lookupChip", &lookupChip);
  emscripten::function("normaliseCheckTime", &normaliseCheckTime);
}
