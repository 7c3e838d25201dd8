// Path validation for the fixed shape of the Infineon PKI (device -> issuing CA -> root),
// written out rather than delegated to mbedtls_x509_crt_verify so that each failure gets its own
// reason (a forged signature and a look-alike CA are different findings) and validity is judged
// at the caller's check time instead of the system clock.
#include <mbedtls/oid.h>

#include <algorithm>
#include <string>

#include "pki/ecdsa_p384.hpp"
#include "pki/parsed_certificate.hpp"
#include "reelcheck/chip_id.hpp"
#include "reelcheck/trust.hpp"
#include "util/hex.hpp"

namespace reelcheck {

using detail::CrtPtr;
using detail::SignatureCheck;

namespace {

constexpr int kMaxChainDepth = 8;

struct Anchor {
  CrtPtr crt;
  std::string name;
  int parent = -1; // index of the anchor that signed this one; -1 for a root or a lone anchor
  std::shared_ptr<const detail::EcdsaP384Verifier> p384; // for P-384 keys: the fast path
};

void add_problem(CertificateVerdict& v, std::string code, std::string message) {
  v.problems.push_back(Problem{std::move(code), std::move(message)});
}

bool is_ca_usable(const mbedtls_x509_crt& crt) {
  if (!crt.ca_istrue) return false;
  if (crt.ext_types & MBEDTLS_X509_EXT_KEY_USAGE)
    return (crt.key_usage & MBEDTLS_X509_KU_KEY_CERT_SIGN) != 0;
  return true;
}

void check_validity(CertificateVerdict& v, const mbedtls_x509_crt& crt, CheckTime at,
                    const std::string& who) {
  if (at < detail::to_seconds(crt.valid_from))
    add_problem(v, "not_yet_valid",
                who + " is not valid before " + detail::format_x509_time(crt.valid_from));
  if (at > detail::to_seconds(crt.valid_to))
    add_problem(v, "expired", who + " expired on " + detail::format_x509_time(crt.valid_to));
}

// "<chipID>_<slot>.pem" (any case, .pem/.crt/.cer/.der) -> chip ID and slot.
struct NameParts {
  std::optional<ChipId> chip;
  std::optional<Slot> slot;
};
NameParts parse_certificate_name(std::string_view file) {
  const auto slash = file.find_last_of('/');
  if (slash != std::string_view::npos) file.remove_prefix(slash + 1);
  const auto dot = file.find_last_of('.');
  if (dot != std::string_view::npos) file = file.substr(0, dot);
  const auto us = file.find('_');
  if (us == std::string_view::npos) return {};
  return NameParts{parse_chip_id(file.substr(0, us)), parse_slot(file.substr(us + 1))};
}

} // namespace

struct ChainVerifier::Impl {
  std::vector<Anchor> anchors;

  void link_anchors() {
    for (std::size_t i = 0; i < anchors.size(); ++i) {
      const auto& child = *anchors[i].crt;
      if (detail::same_name(child.subject_raw, child.issuer_raw) &&
          detail::check_signature(child, child) == SignatureCheck::kValid)
        continue; // self-signed root
      for (std::size_t j = 0; j < anchors.size(); ++j) {
        if (i == j || !detail::same_name(anchors[j].crt->subject_raw, child.issuer_raw)) continue;
        if (is_ca_usable(*anchors[j].crt) &&
            detail::check_signature(child, *anchors[j].crt) == SignatureCheck::kValid) {
          anchors[i].parent = static_cast<int>(j);
          break;
        }
      }
    }
  }

  // The anchor that signed `crt`, or -1 with a reason recorded in `v`.
  int find_issuer(const mbedtls_x509_crt& crt, CertificateVerdict& v) {
    bool name_known = false;
    bool any_key_matches =
        false; // a same-named CA holds the key the certificate names (or it names none)
    bool unsupported = false;
    const auto aki = detail::authority_key_id(crt);
    for (std::size_t i = 0; i < anchors.size(); ++i) {
      const auto& ca = *anchors[i].crt;
      if (!detail::same_name(ca.subject_raw, crt.issuer_raw)) continue;
      name_known = true;
      const auto result = detail::check_signature(crt, ca, anchors[i].p384.get());
      if (result == SignatureCheck::kValid) {
        if (!is_ca_usable(ca))
          add_problem(v, "issuer_untrusted",
                      "issuer '" + anchors[i].name + "' is not allowed to sign certificates");
        return static_cast<int>(i);
      }
      unsupported |= result == SignatureCheck::kUnsupportedAlgorithm;
      const auto ski = detail::subject_key_id(ca);
      if (!aki || !ski || std::equal(aki->begin(), aki->end(), ski->begin(), ski->end()))
        any_key_matches = true;
    }
    const std::string issuer = detail::issuer_dn(crt);
    if (!name_known) {
      add_problem(v, "issuer_untrusted", "issued by '" + issuer + "', which is not a trusted CA");
    } else if (unsupported) {
      add_problem(v, "signature_invalid", "signature algorithm is not supported");
    } else if (!any_key_matches) {
      add_problem(v, "issuer_untrusted",
                  "issued by a CA named '" + issuer + "' but not with the trusted CA's key");
    } else {
      add_problem(v, "signature_invalid",
                  "signature does not verify with the key of '" + issuer + "'");
    }
    return -1;
  }

  CertificateVerdict verify(ByteView data, CheckTime at, bool device_rules,
                            std::optional<Slot> slot) {
    CertificateVerdict v;
    auto parsed = detail::parse_certificates(data, "certificate");
    if (!parsed) {
      add_problem(v, "unparsable", "not a valid PEM or DER certificate");
      return v;
    }
    const mbedtls_x509_crt& crt = **parsed;
    v.parsed = true;
    v.subject = detail::subject_dn(crt);
    v.issuer = detail::issuer_dn(crt);
    v.serial = detail::to_hex(ByteView(crt.serial.p, crt.serial.len), true);
    v.not_before = detail::format_x509_time(crt.valid_from);
    v.not_after = detail::format_x509_time(crt.valid_to);
    v.key_type = detail::key_type(crt);
    v.fingerprint_sha256 = detail::sha256_hex(ByteView(crt.raw.p, crt.raw.len));
    v.public_key_sha256 = detail::sha256_hex(ByteView(crt.pk_raw.p, crt.pk_raw.len));

    if (device_rules) {
      if (crt.ca_istrue) add_problem(v, "is_ca", "a device certificate must not be a CA");
      if (slot) {
        const std::string want = *slot == Slot::kE0E2 ? "RSA 2048" : "EC P-256";
        if (v.key_type != want)
          add_problem(v, "wrong_key_type",
                      "slot " + std::string(slot_name(*slot)) + " needs " + want + ", found " +
                          v.key_type);
      }
    }
    check_validity(v, crt, at, "certificate");

    int issuer = find_issuer(crt, v);
    for (int depth = 0; issuer >= 0 && depth < kMaxChainDepth; ++depth) {
      const Anchor& a = anchors[static_cast<std::size_t>(issuer)];
      v.chain.push_back(a.name);
      check_validity(v, *a.crt, at, "CA '" + a.name + "'");
      issuer = a.parent;
    }
    return v;
  }
};

ChainVerifier::ChainVerifier(const TrustStore& store) : impl_(std::make_unique<Impl>()) {
  for (const auto& anchor : store.anchors()) {
    auto parsed = detail::parse_certificates(anchor.der, anchor.source);
    if (!parsed) continue; // TrustStore::add only keeps certificates that parsed
    Anchor& a = impl_->anchors.emplace_back(Anchor{std::move(*parsed), {}, -1, nullptr});
    a.name = detail::common_name(*a.crt);
    a.p384 = detail::p384_verifier_for(*a.crt);
  }
  impl_->link_anchors();
}

ChainVerifier::~ChainVerifier() = default;
ChainVerifier::ChainVerifier(ChainVerifier&&) noexcept = default;
ChainVerifier& ChainVerifier::operator=(ChainVerifier&&) noexcept = default;

CertificateVerdict ChainVerifier::verify(const CertificateFile& file, CheckTime at) const {
  CertificateVerdict v = impl_->verify(file.data, at, true, file.slot);
  v.archive = file.archive;
  v.file = file.name;
  v.slot = file.slot;
  const NameParts parts = parse_certificate_name(file.name);
  if (parts.chip) v.chip_id = parts.chip->hex();
  if (!parts.chip || !parts.slot) {
    add_problem(v, "name_mismatch",
                "file name does not follow <chipID>_" + std::string(slot_name(file.slot)) + ".pem");
  } else if (*parts.slot != file.slot) {
    add_problem(v, "name_mismatch",
                "an " + std::string(slot_name(*parts.slot)) + " certificate file in the " +
                    std::string(slot_name(file.slot)) + " archive");
  }
  return v;
}

CertificateVerdict ChainVerifier::verify_loose(ByteView data, std::string_view name,
                                               CheckTime at) const {
  CertificateVerdict v = impl_->verify(data, at, false, std::nullopt);
  v.file = std::string(name);
  return v;
}

} // namespace reelcheck
