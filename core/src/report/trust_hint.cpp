// The one rule, and the one sentence, behind the "is this a test PKI?" hint of the CLI and the
// page.
#include <algorithm>
#include <set>

#include "reelcheck/report.hpp"

namespace reelcheck {

std::vector<std::string> untrusted_issuers(const Report& r) {
  // A reel has one ECC and one RSA CA: more distinct issuers is not "a CA was not added".
  constexpr std::size_t kMaxIssuers = 2;
  if (r.counts.certificates == 0 || r.counts.certificates_ok != 0) return {};
  std::set<std::string> issuers;
  auto untrusted = [&](const CertificateVerdict& v) {
    const bool yes = std::any_of(v.problems.begin(), v.problems.end(), [](const Problem& p) {
      return p.code == ProblemCode::kIssuerUntrusted;
    });
    if (yes) issuers.insert(v.issuer);
    return yes && issuers.size() <= kMaxIssuers;
  };
  for (const auto& chip : r.chips)
    for (const auto& cert : chip.certificates)
      if (cert && !untrusted(*cert)) return {};
  for (const auto& cert : r.unassigned)
    if (!untrusted(cert)) return {};
  return {issuers.begin(), issuers.end()};
}

std::string untrusted_issuer_hint(const Report& r) {
  const auto issuers = untrusted_issuers(r);
  if (issuers.empty()) return {};
  std::string names;
  for (const auto& issuer : issuers)
    names += (names.empty() ? "'" : " and '") + issuer + "'";
  return "every certificate fails because its issuer is not a trusted CA (" + names +
         "). Is this a test PKI?";
}

} // namespace reelcheck
