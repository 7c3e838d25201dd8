#include <mbedtls/rsa.h>

#include <algorithm>
#include <functional>

#include "crypto/sha256.hpp"
#include "pki/infineon_cas.hpp"
#include "reelcheck/hex.hpp"
#include "pki/parsed_certificate.hpp"
#include "reelcheck/trust.hpp"

namespace reelcheck {

namespace {

Error too_much(std::string_view source, const std::string& what) {
  return make_error(ErrorCode::kLimitExceeded, std::string(source) + ": " + what);
}

// RSA keys are priced by size: verifying costs about modulus^2 x exponent bits. Refused here,
// before the key is ever used. Other key types (EC P-256/384/521) have a fixed cost.
std::optional<Error> check_key(const mbedtls_x509_crt& c, std::string_view source,
                               const TrustLimits& limits) {
  if (mbedtls_pk_get_type(&c.pk) != MBEDTLS_PK_RSA) return std::nullopt;
  const std::string who = "'" + detail::common_name(c) + "'";
  const std::size_t bits = mbedtls_pk_get_bitlen(&c.pk);
  if (bits > limits.max_rsa_bits)
    return too_much(source, who + " has an RSA key of " + std::to_string(bits) +
                                " bits, more than the limit of " +
                                std::to_string(limits.max_rsa_bits));
  const mbedtls_rsa_context* rsa = mbedtls_pk_rsa(c.pk);
  const std::size_t exponent_bits = mbedtls_mpi_bitlen(&rsa->E);
  if (exponent_bits > limits.max_rsa_exponent_bits)
    return too_much(source, who + " has an RSA public exponent of " +
                                std::to_string(exponent_bits) + " bits, more than the limit of " +
                                std::to_string(limits.max_rsa_exponent_bits));
  return std::nullopt;
}

struct Named {
  std::vector<std::uint8_t> subject, issuer; // raw DER names
  std::string common_name;
};

// The longest run of anchors issued (by name) by anchors, for the first chain longer than
// `limit`: returned as names from the anchor down, empty if there is none. Self-issued anchors
// end a run; a cycle of names is too deep by definition. The search stops at limit + 1 levels,
// so it stays cheap however the names are arranged.
std::vector<std::string> chain_deeper_than(const std::vector<Named>& anchors, unsigned limit) {
  std::vector<std::string> path;
  std::function<bool(std::size_t)> deeper = [&](std::size_t i) {
    path.push_back(anchors[i].common_name);
    if (path.size() > limit) return true;
    if (anchors[i].subject != anchors[i].issuer) {
      for (std::size_t j = 0; j < anchors.size(); ++j)
        if (j != i && anchors[j].subject == anchors[i].issuer && deeper(j)) return true;
    }
    path.pop_back();
    return false;
  };
  for (std::size_t i = 0; i < anchors.size(); ++i)
    if (deeper(i)) return path;
  return {};
}

} // namespace

TrustStore TrustStore::infineon_default(TrustLimits limits) {
  TrustStore store(limits);
  for (std::string_view pem : detail::embedded_trust_pems()) {
    const ByteView bytes(reinterpret_cast<const std::uint8_t*>(pem.data()), pem.size());
    // The embedded PEMs are part of the build; a failure here is a build defect that the
    // unit tests catch, so it is not surfaced to users.
    (void)store.add(bytes, "embedded", DeviceProfile::kInfineon);
  }
  return store;
}

Result<std::size_t> TrustStore::add(ByteView pem_or_der, std::string_view source,
                                    DeviceProfile profile) {
  auto parsed = detail::parse_certificates(pem_or_der, source);
  if (!parsed) return parsed.error();
  std::vector<TrustAnchor> added;
  // Anchors already held that this call makes stricter; applied only when the whole file is
  // accepted. Otherwise the order of the calls would decide: an Infineon-profile anchor added
  // after the same certificate with the basic profile would lose its demand.
  std::vector<std::size_t> stricter;
  std::vector<Named> names; // of every anchor held and added, for the per-name and depth limits
  for (const auto& a : anchors_) {
    auto held = detail::parse_certificates(a.der, a.source);
    if (held)
      names.push_back(
          Named{{(*held)->subject_raw.p, (*held)->subject_raw.p + (*held)->subject_raw.len},
                {(*held)->issuer_raw.p, (*held)->issuer_raw.p + (*held)->issuer_raw.len},
                detail::common_name(**held)});
  }
  for (const mbedtls_x509_crt* c = parsed->get(); c != nullptr && c->raw.p != nullptr;
       c = c->next) {
    if (!c->ca_istrue) {
      return make_error(ErrorCode::kBadInput,
                        std::string(source) + ": '" + detail::common_name(*c) +
                            "' is not a CA certificate and cannot be a trust anchor");
    }
    if (auto refused = check_key(*c, source, limits_)) return *refused;
    TrustAnchor anchor;
    anchor.der.assign(c->raw.p, c->raw.p + c->raw.len);
    anchor.fingerprint_sha256 = detail::sha256_hex(anchor.der);
    anchor.device_profile = detail::find_infineon_ca(anchor.fingerprint_sha256) != nullptr
                                ? DeviceProfile::kInfineon
                                : profile;
    auto same = [&](const TrustAnchor& a) {
      return a.fingerprint_sha256 == anchor.fingerprint_sha256;
    };
    if (const auto held = std::find_if(anchors_.begin(), anchors_.end(), same);
        held != anchors_.end()) {
      if (anchor.device_profile == DeviceProfile::kInfineon)
        stricter.push_back(static_cast<std::size_t>(held - anchors_.begin()));
      continue;
    }
    if (std::any_of(added.begin(), added.end(), same)) continue; // same file, same profile
    if (anchors_.size() + added.size() + 1 > limits_.max_anchors)
      return too_much(source,
                      "more than " + std::to_string(limits_.max_anchors) + " trust anchors in all");
    Named named{{c->subject_raw.p, c->subject_raw.p + c->subject_raw.len},
                {c->issuer_raw.p, c->issuer_raw.p + c->issuer_raw.len},
                detail::common_name(*c)};
    const auto same_name = static_cast<std::size_t>(std::count_if(
        names.begin(), names.end(), [&](const Named& n) { return n.subject == named.subject; }));
    if (same_name + 1 > limits_.max_anchors_per_name)
      return too_much(source, "more than " + std::to_string(limits_.max_anchors_per_name) +
                                  " trust anchors named '" + named.common_name + "'");
    names.push_back(std::move(named));
    anchor.subject = detail::subject_dn(*c);
    anchor.source = std::string(source);
    added.push_back(std::move(anchor));
  }
  if (const auto chain = chain_deeper_than(names, limits_.max_chain_depth); !chain.empty()) {
    std::string shown;
    for (const auto& name : chain)
      shown += (shown.empty() ? "'" : " issued by '") + name + "'";
    return too_much(source, "trust anchors chained more than " +
                                std::to_string(limits_.max_chain_depth) + " deep (" + shown + ")");
  }
  for (const std::size_t i : stricter)
    anchors_[i].device_profile = DeviceProfile::kInfineon;
  const std::size_t count = added.size();
  for (auto& a : added)
    anchors_.push_back(std::move(a));
  return count;
}

std::string TrustStore::fingerprint() const {
  detail::Sha256 hash;
  for (const TrustAnchor& anchor : anchors_) {
    const auto size = static_cast<std::uint32_t>(anchor.der.size());
    const std::uint8_t head[5] = {static_cast<std::uint8_t>(anchor.device_profile),
                                  static_cast<std::uint8_t>(size >> 24),
                                  static_cast<std::uint8_t>(size >> 16),
                                  static_cast<std::uint8_t>(size >> 8),
                                  static_cast<std::uint8_t>(size)};
    hash.update(ByteView(head, sizeof head));
    hash.update(anchor.der);
  }
  const auto digest = hash.finish();
  return to_hex(digest);
}

} // namespace reelcheck
