// Certificate loading and chain verification. The input is "<trust PEM/DER> ##### <device
// certificate>" (the marker line splits it; without it the whole input plays both parts):
// the first part goes through TrustStore::add like a --trust file, then the second is
// verified as a device certificate (slot chosen by the input) and loosely as a CA, and in a
// slice of copies, whose verdicts must be the same, and in two steps with its RSA signatures
// answered by the input (ChainVerifier::begin_all / finish_all).
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "reelcheck/trust.hpp"

namespace {
constexpr std::string_view kSplit = "\n#####\n";
constexpr reelcheck::CheckTime kCheckTime = 1780272000; // 2026-06-01T00:00:00Z, as the fixtures
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace reelcheck;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto split = text.find(kSplit);
  const ByteView all(data, size);
  const ByteView trust_part = split == std::string_view::npos ? all : all.first(split);
  const ByteView cert_part =
      split == std::string_view::npos ? all : all.subspan(split + kSplit.size());

  TrustStore store = TrustStore::empty();
  auto added = store.add(trust_part, "fuzz-trust.pem");
  if (added && *added != store.anchors().size()) std::abort();
  if (!added && added.error().message.empty()) std::abort();

  const ChainVerifier verifier(store);
  const Slot slot = kAllSlots[size % 3];
  CertificateFile file{"fuzz_E0E0_Certs.7z", "0A1B2C3D4E5F00120034_E0E0.pem", slot,
                       std::vector<std::uint8_t>(cert_part.begin(), cert_part.end())};
  const CertificateVerdict device = verifier.verify(file, kCheckTime);
  // A verdict either parsed or says why not; "ok" needs a chain to an anchor.
  if (!device.parsed && device.problems.empty()) std::abort();
  if (device.ok() && device.chain.empty()) std::abort();
  const CertificateVerdict loose = verifier.verify_loose(cert_part, "fuzz.pem", kCheckTime);
  if (loose.parsed != device.parsed) std::abort();
  // A slice of copies, enough for the P-384 batch's own path (verify_all): each copy must get
  // verify()'s verdict.
  if (device.parsed) {
    const std::vector<CertificateFile> slice(8, file);
    for (const CertificateVerdict& v : verifier.verify_all(slice, kCheckTime)) {
      if (v.chain != device.chain || v.problems.size() != device.problems.size()) std::abort();
      for (std::size_t i = 0; i < v.problems.size(); ++i)
        if (v.problems[i].code != device.problems[i].code ||
            v.problems[i].message != device.problems[i].message)
          std::abort();
    }
    // The same slice in two steps (the page's WebCrypto path), its RSA questions answered with
    // bytes of the input, whatever they are: finish_all takes valid, invalid and unanswered and
    // refuses anything else or a wrong count, and never fails otherwise; each question views the
    // anchor's key, the signed part and the signature of a certificate in the slice.
    PendingVerdicts pending = verifier.begin_all(slice, kCheckTime);
    const auto questions = pending.rsa_questions();
    std::vector<RsaAnswer> answers;
    bool any_odd = false;
    for (std::size_t i = 0; i < questions.size(); ++i) {
      if (questions[i].issuer_key.empty() || questions[i].signed_data.empty() ||
          questions[i].signature.empty())
        std::abort();
      const std::uint8_t b = data[i % size] % 4; // 3: none of the three
      any_odd |= b == 3;
      answers.push_back(static_cast<RsaAnswer>(b));
    }
    const bool wrong_count = !answers.empty() && (data[0] & 0x80) != 0;
    if (wrong_count) answers.pop_back();
    const auto verdicts = verifier.finish_all(std::move(pending), answers);
    if (verdicts.ok() == (any_odd || wrong_count)) std::abort();
    if (verdicts && verdicts->size() != slice.size()) std::abort();
  }
  return 0;
}
