// Fail closed where verdicts cross a boundary (threads, Web Workers): the verdicts that come back
// must answer exactly the certificates that were sent out, one each and in the same order. A
// verifier that drops, repeats or reorders verdicts would otherwise let an unverified
// certificate read as checked.
#include <string>

#include "reelcheck/report.hpp"

namespace reelcheck {

std::optional<Error> check_verdicts_answer(std::span<const CertificateFile> sent,
                                           std::span<const CertificateVerdict> returned) {
  if (sent.size() != returned.size())
    return make_error(ErrorCode::kBadInput,
                      "verification is incomplete: " + std::to_string(sent.size()) +
                          " certificates were sent to the verifiers but " +
                          std::to_string(returned.size()) + " verdicts came back");
  for (std::size_t i = 0; i < sent.size(); ++i) {
    const CertificateFile& c = sent[i];
    const CertificateVerdict& v = returned[i];
    if (v.archive != c.archive || v.file != c.name || v.slot != c.slot)
      return make_error(ErrorCode::kBadInput, "verification is inconsistent: certificate " +
                                                  std::to_string(i + 1) + " was " + c.archive +
                                                  "/" + c.name + " but its verdict is for " +
                                                  v.archive + "/" + v.file);
  }
  return std::nullopt;
}

} // namespace reelcheck
