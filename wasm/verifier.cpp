// Verifier: one per verifier worker. Certificates of a slice in, their verdicts out as the
// core's verdict JSON (read back strictly by the session).
#include <emscripten/bind.h>

#include <memory>
#include <string>
#include <vector>

#include "js_values.hpp"
#include "reelcheck/report.hpp"

namespace reelcheck::wasm {
namespace {

class Verifier {
public:
  explicit Verifier(bool use_defaults) : store_(make_store(use_defaults)) {}

  val addTrustAnchor(const std::string& source, const val& bytes) {
    if (verifier_) return bad_input("Verifier already in use.");
    return add_anchor(store_, source, bytes);
  }
  std::size_t anchorCount() const { return store_.anchors().size(); }

  // certs: [{archive, name, slot: "E0E0"|"E0E1"|"E0E2", data: Uint8Array}, ...]
  // -> {ok:true, verdicts: <verdicts_to_json string>, count}
  val verifySlice(const val& certs, const std::string& check_time_iso) {
    return guarded([&] {
      const auto at = parse_check_time(check_time_iso);
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
        if (!slot) return bad_input("Unknown certificate slot for " + file.name);
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

} // namespace
} // namespace reelcheck::wasm

EMSCRIPTEN_BINDINGS(reelcheck_verifier) {
  using reelcheck::wasm::Verifier;
  emscripten::class_<Verifier>("Verifier")
      .constructor<bool>()
      .function("addTrustAnchor", &Verifier::addTrustAnchor)
      .function("anchorCount", &Verifier::anchorCount)
      .function("verifySlice", &Verifier::verifySlice);
}
