// Verifier: one per verifier worker. A certificate slice in, its verdicts out, both in the
// workers' wire formats (wire/), read strictly on either side.
#include <emscripten/bind.h>

#include <memory>
#include <string>
#include <vector>

#include "certificate_wire.hpp"
#include "js_values.hpp"
#include "reelcheck/trust.hpp"
#include "verdict_wire.hpp"

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

  // After the anchors: builds the verifier and its engines' tables now (the page calls this while
  // the coordinator unpacks the bundle, so the first slice does not pay for them).
  val prepare() {
    return guarded([&] {
      if (!verifier_) verifier_ = std::make_unique<ChainVerifier>(store_);
      verifier_->prepare();
      return ok_value();
    });
  }

  // slice: the coordinator's certificate slice (wire/certificate_wire.hpp), a Uint8Array.
  // -> {ok:true, verdicts: Uint8Array (wire/verdict_wire.hpp), count}
  val verifySlice(const val& slice, const std::string& check_time_iso) {
    return guarded([&] {
      const auto at = parse_check_time(check_time_iso);
      if (!at) return bad_check_time(check_time_iso);
      std::vector<std::uint8_t> bytes;
      copy_from_js(slice, bytes);
      auto certificates = wire::decode_certificates(bytes);
      if (!certificates) return error_value(certificates.error());
      if (!verifier_) verifier_ = std::make_unique<ChainVerifier>(store_);
      std::vector<CertificateVerdict> verdicts;
      verdicts.reserve(certificates->size());
      for (const auto& file : *certificates)
        verdicts.push_back(verifier_->verify(file, *at));
      const auto answer = wire::encode_verdicts(verdicts);
      val out = ok_value();
      out.set("verdicts", copy_to_js(answer.data(), answer.size()));
      out.set("count", static_cast<double>(verdicts.size()));
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
      .function("prepare", &Verifier::prepare)
      .function("verifySlice", &Verifier::verifySlice);
}
