// Verifier: one per verifier worker. It runs the session's work items the coordinator hands
// out: a certificate archive to unpack (the outcome back; its certificates kept for the run), a
// slice of certificates it holds to verify (its verdicts back), all in the workers' wire formats
// (wire/), read strictly on either side.
#include <emscripten/bind.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "certificate_wire.hpp"
#include "js_values.hpp"
#include "key_wire.hpp"
#include "reelcheck/bundle.hpp"
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

  // A slice of run `run` (wire/certificate_wire.hpp: which certificates of which archive, the
  // check time, the anchors' fingerprint), a Uint8Array, naming certificates this verifier holds
  // for that run: it unpacked their archive (unpackArchive) or was handed its outcome
  // (adoptArchive). -> {ok:true, verdicts: Uint8Array (wire/verdict_wire.hpp), count}. The
  // verdicts carry this verifier's own anchors' fingerprint: the coordinator refuses them if they
  // are not the run's, and checks each verdict against the certificate it handed out there.
  val verifySlice(double run, const val& slice) {
    return guarded([&] {
      CertificateSlice found;
      if (auto wrong = held_slice(run, slice, found)) return *wrong;
      return verdicts_value(verify_slice(*verifier_, found));
    });
  }

  // verifySlice in two steps, for a worker that has the slice's RSA signatures verified by the
  // browser's WebCrypto (native code: several times faster than the core's RSA engine compiled
  // to WebAssembly). -> verifySlice's answer when the slice asks no RSA signature; otherwise
  // {ok:true, keys: [{spki: Uint8Array, hash: 'SHA-256'|'SHA-384'|'SHA-512'}], questions:
  // Uint32Array}, five numbers per question (its key in `keys`, then where the signed bytes and
  // the signature lie in this module's memory: offset, length, offset, length; they stay there,
  // unchanged, until finishSlice), and the slice waits here for finishSlice(answers), one byte
  // per question (0 invalid, 1 valid, 2 unanswered: the core's engine checks it) -> verifySlice's
  // answer. One slice waits at a time; beginSlice drops one that was never finished.
  val beginSlice(double run, const val& slice) {
    return guarded([&] {
      pending_.reset();
      CertificateSlice found;
      if (auto wrong = held_slice(run, slice, found)) return *wrong;
      PendingSlice pending = begin_slice(*verifier_, found);
      const auto questions = pending.verdicts.rsa_questions();
      if (questions.empty())
        return verdicts_value(std::move(*finish_slice(*verifier_, std::move(pending), {})));
      val keys = val::array();
      const std::vector<std::uint32_t> table = question_table(questions, keys);
      pending_ = std::make_unique<PendingSlice>(std::move(pending));
      val out = ok_value();
      out.set("keys", keys);
      out.set("questions", val::global("Uint32Array")
                               .new_(emscripten::typed_memory_view(table.size(), table.data())));
      return out;
    });
  }

  val finishSlice(const val& answer_bytes) {
    return guarded([&] {
      if (!pending_) return error_value("internal", "No slice waits for its RSA signatures.");
      const std::unique_ptr<PendingSlice> pending = std::move(pending_);
      std::vector<std::uint8_t> bytes;
      copy_from_js(answer_bytes, bytes);
      // Any byte is carried over as it is: the core refuses one that is none of the three.
      std::vector<RsaAnswer> answers(bytes.size());
      std::transform(bytes.begin(), bytes.end(), answers.begin(),
                     [](std::uint8_t b) { return static_cast<RsaAnswer>(b); });
      auto verdicts = finish_slice(*verifier_, std::move(*pending), answers);
      if (!verdicts) return error_value(verdicts.error());
      return verdicts_value(*verdicts);
    });
  }

  // One certificate archive's job from the coordinator's session, for run `run`: unpacks it
  // here, so that the archives are unpacked on every core at once, and keeps its certificates
  // for the run's slices. max_total_size: what is left of the bundle's limit (the session
  // charges the sum). -> {ok:true, outcome: Uint8Array} where the outcome
  // (wire/certificate_wire.hpp) holds the certificates or why the archive could not be read.
  val unpackArchive(double run, double archive, const std::string& name, const std::string& slot,
                    const val& bytes, double max_total_size) {
    return guarded([&] {
      const auto s = parse_slot(slot);
      if (!s || !(archive >= 0 && archive < 1e6) || !(max_total_size >= 0) || !(run > 0))
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
      UnpackOutcome outcome{job.archive, unpack_certificate_archive(job)};
      const auto wire_outcome = wire::encode_unpack_outcome(outcome);
      if (outcome.result) hold(run, job.archive, std::move(outcome.result->certificates));
      val out = ok_value();
      out.set("outcome", copy_to_js(wire_outcome.data(), wire_outcome.size()));
      return out;
    });
  }

  // Another verifier's outcome of an archive (as the coordinator took it), for run `run`: this
  // verifier holds its certificates too, for the slices it takes of that archive. -> {ok:true}.
  val adoptArchive(double run, const val& outcome) {
    return guarded([&] {
      if (!(run > 0)) return bad_input("An archive handed to a worker is malformed.");
      std::vector<std::uint8_t> bytes;
      copy_from_js(outcome, bytes);
      auto decoded = wire::decode_unpack_outcome(bytes);
      if (!decoded) return error_value(decoded.error());
      if (!decoded->result)
        return error_value("internal", "An archive that could not be read was handed on.");
      hold(run, decoded->archive, std::move(decoded->result->certificates));
      return ok_value();
    });
  }

private:
  // The certificates a slice names (see verifySlice), with its terms, into `out`; builds the
  // ChainVerifier on first use. -> an error value, or nothing. Fails closed: certificates this
  // verifier does not hold, or holds for another run, are never verified in their place.
  std::optional<val> held_slice(double run, const val& slice, CertificateSlice& out) {
    std::vector<std::uint8_t> bytes;
    copy_from_js(slice, bytes);
    auto ref = wire::decode_slice_ref(bytes);
    if (!ref) return error_value(ref.error());
    const auto held = held_.find(ref->archive);
    if (run != held_run_ || held == held_.end() || ref->begin > held->second.size() ||
        ref->count > held->second.size() - ref->begin)
      return error_value("internal", "A slice names certificates this verifier does not hold.");
    if (!verifier_) verifier_ = std::make_unique<ChainVerifier>(store_);
    const std::span<const CertificateFile> certificates(held->second);
    out = CertificateSlice{ref->archive, ref->begin, certificates.subspan(ref->begin, ref->count),
                           ref->terms};
    return std::nullopt;
  }

  // beginSlice's questions as five numbers each (see there), and each distinct issuer key and hash
  // once into `keys` (WebCrypto imports a key for one hash). Out of line and small: V8 optimises
  // this loop on its own instead of all of beginSlice with it.
  [[gnu::noinline]] static std::vector<std::uint32_t>
  question_table(std::span<const RsaSignatureQuestion> questions, val& keys) {
    // An anchor's key lies in one place, so a key and hash are told apart by where they lie.
    std::vector<std::pair<const std::uint8_t*, std::string_view>> seen;
    std::vector<std::uint32_t> table;
    table.reserve(questions.size() * 5);
    const auto at = [](ByteView bytes) {
      return static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(bytes.data()));
    };
    for (const RsaSignatureQuestion& q : questions) {
      const std::pair<const std::uint8_t*, std::string_view> key{q.issuer_key.data(), q.hash};
      std::size_t k = std::find(seen.begin(), seen.end(), key) - seen.begin();
      if (k == seen.size()) {
        seen.push_back(key);
        val entry = val::object();
        entry.set("spki", copy_to_js(q.issuer_key.data(), q.issuer_key.size()));
        entry.set("hash", std::string(q.hash));
        keys.call<void>("push", entry);
      }
      table.insert(table.end(), {static_cast<std::uint32_t>(k), at(q.signed_data),
                                 static_cast<std::uint32_t>(q.signed_data.size()), at(q.signature),
                                 static_cast<std::uint32_t>(q.signature.size())});
    }
    return table;
  }

  static val verdicts_value(const VerdictSlice& verdicts) {
    const auto answer = wire::encode_verdict_slice(verdicts);
    val out = ok_value();
    out.set("verdicts", copy_to_js(answer.data(), answer.size()));
    out.set("count", static_cast<double>(verdicts.verdicts.size()));
    return out;
  }

  // Archives held for the newest run only (the page numbers its runs upwards): a newer run's
  // first archive drops the last run's; an archive of an older run, a request of a run the page
  // has replaced that was still on its way, is not kept and never drops the newer run's.
  void hold(double run, std::size_t archive, std::vector<CertificateFile> certificates) {
    if (run < held_run_) return;
    pending_.reset(); // it views certificates that may be replaced here
    if (run > held_run_) {
      held_.clear();
      held_run_ = run;
    }
    held_[archive] = std::move(certificates);
  }

  TrustStore store_;
  std::unique_ptr<ChainVerifier> verifier_; // built on first use, after all anchors were added
  double held_run_ = 0;
  std::map<std::size_t, std::vector<CertificateFile>> held_; // by archive, for run held_run_
  // A slice waiting for its RSA signatures' answers (beginSlice); it views held_'s
  // certificates, which no request changes before finishSlice (worker.js runs a verifier's
  // requests one at a time).
  std::unique_ptr<PendingSlice> pending_;
};

// The keys archive's AES key for 7-Zip's default parameters, from the transport key's UTF-8 bytes:
// half a million SHA-256 rounds, asked of a verifier while it has nothing else to do (the run's
// start, while the coordinator reads the outer layers), so that the coordinator does not derive
// it at the run's end beside both verifiers. -> {ok:true, derived: Uint8Array (wire/key_wire.hpp)}
// or the core's error (no key, a key over the bound). This worker's copies are wiped here; the
// key's bytes in JavaScript are wiped by worker.js.
val deriveKeysArchiveKey(const val& transport_key) {
  return guarded([&] {
    SecureBytes key;
    copy_from_js(transport_key, key);
    auto derived = derive_keys_archive_key(as_bytes(key));
    if (!derived) return error_value(derived.error());
    const SecureBytes wire = wire::encode_derived_key(*derived);
    val out = ok_value();
    out.set("derived", copy_to_js(wire.data(), wire.size()));
    return out;
  });
}

} // namespace
} // namespace reelcheck::wasm

EMSCRIPTEN_BINDINGS(reelcheck_verifier) {
  emscripten::function("deriveKeysArchiveKey", &reelcheck::wasm::deriveKeysArchiveKey);
  using reelcheck::wasm::Verifier;
  emscripten::class_<Verifier>("Verifier")
      .constructor<bool>()
      .function("addTrustAnchor", &Verifier::addTrustAnchor)
      .function("anchorCount", &Verifier::anchorCount)
      .function("prepare", &Verifier::prepare)
      .function("verifySlice", &Verifier::verifySlice)
      .function("beginSlice", &Verifier::beginSlice)
      .function("finishSlice", &Verifier::finishSlice)
      .function("unpackArchive", &Verifier::unpackArchive)
      .function("adoptArchive", &Verifier::adoptArchive);
}
