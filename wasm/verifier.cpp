// Verifier: one per verifier worker. It runs the session's work items the coordinator hands
// out: a certificate archive to unpack (the outcome back), a certificate slice to verify (its
// verdicts back), all in the workers' wire formats (wire/), read strictly on either side.
#include <emscripten/bind.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "certificate_wire.hpp"
#include "js_values.hpp"
#include "reelcheck/session.hpp"
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

  // slice: a certificate slice from the coordinator (wire/certificate_wire.hpp: where its
  // certificates are, the check time, the anchors' fingerprint), a Uint8Array.
  // -> {ok:true, verdicts: Uint8Array (wire/verdict_wire.hpp), count}. The verdicts carry this
  // verifier's own anchors' fingerprint: the coordinator refuses them if they are not the run's.
  val verifySlice(const val& slice) {
    return guarded([&] {
      std::vector<std::uint8_t> bytes;
      copy_from_js(slice, bytes);
      auto decoded = wire::decode_slice(bytes);
      if (!decoded) return error_value(decoded.error());
      if (!verifier_) verifier_ = std::make_unique<ChainVerifier>(store_);
      const VerdictSlice verdicts = verify_slice(*verifier_, decoded->view());
      const auto answer = wire::encode_verdict_slice(verdicts);
      val out = ok_value();
      out.set("verdicts", copy_to_js(answer.data(), answer.size()));
      out.set("count", static_cast<double>(verdicts.verdicts.size()));
      return out;
    });
  }

  // One certificate archive's job from the coordinator's session: unpacks it here, so that the
  // archives are unpacked on every core at once. max_total_size: what is left of the bundle's
  // limit (the session charges the sum). -> {ok:true, outcome: Uint8Array} where the outcome
  // (wire/certificate_wire.hpp) holds the certificates or why the archive could not be read.
  val unpackArchive(double archive, const std::string& name, const std::string& slot,
                    const val& bytes, double max_total_size) {
    return guarded([&] {
      const auto s = parse_slot(slot);
      if (!s || !(archive >= 0 && archive < 1e6) || !(max_total_size >= 0))
        return bad_input("An archive handed to a worker is malformed.");
      std::vector<std::uint8_t> data;
      copy_from_js(bytes, data);
      CertificateArchiveJob job;
      job.archive = static_cast<std::size_t>(archive);
      job.name = name;
      job.slot = *s;
      job.bytes = ByteView(data.data(), data.size());
      job.limits.max_total_size =
          std::min(job.limits.max_total_size, static_cast<std::uint64_t>(max_total_size));
      const auto outcome =
          wire::encode_unpack_outcome(UnpackOutcome{job.archive, unpack_certificate_archive(job)});
      val out = ok_value();
      out.set("outcome", copy_to_js(outcome.data(), outcome.size()));
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
      .function("verifySlice", &Verifier::verifySlice)
      .function("unpackArchive", &Verifier::unpackArchive);
}
