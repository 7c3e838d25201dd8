// Path validation for the fixed shape of the Infineon PKI (device -> issuing CA -> root),
// written out rather than delegated to mbedtls_x509_crt_verify so that each failure gets its own
// reason (a forged signature and a look-alike CA are different findings) and validity is judged
// at the caller's check time instead of the system clock. Everything mbedtls_x509_crt_verify
// would check on the path is therefore checked here, pathLenConstraint included: mbedTLS only
// parses it (max_pathlen) and enforces it inside that function, which is never called.
#include <mbedtls/oid.h>

#include <algorithm>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "crypto/ecdsa_p384.hpp"
#include "pki/anchor_link_memo.hpp"
#include "pki/infineon_cas.hpp"
#include "pki/parsed_certificate.hpp"
#include "reelcheck/chip_id.hpp"
#include "reelcheck/trust.hpp"
#include "util/hex.hpp"

namespace reelcheck {

using detail::CrtPtr;
using detail::SignatureCheck;

namespace {

constexpr int kMaxChainDepth = 8;
// Paths weighed per certificate: renewed CAs multiply them, hostile trust files must not.
constexpr int kMaxPathsTried = 64;

// Which device slots a CA may issue for: Infineon keeps the ECC and RSA chains apart.
enum class CaFamily { kEcc, kRsa, kOther };

std::string_view family_name(CaFamily f) {
  switch (f) {
  case CaFamily::kEcc: return "ECC";
  case CaFamily::kRsa: return "RSA";
  case CaFamily::kOther: break;
  }
  return "other";
}

CaFamily slot_family(Slot s) {
  return s == Slot::kE0E2 ? CaFamily::kRsa : CaFamily::kEcc;
}

// The embedded Infineon CAs are placed by identity (SHA-256 of the DER); anchors the user adds
// (test PKIs, future CAs) by their key type: an EC CA belongs to the ECC family, an RSA CA to
// the RSA family.
CaFamily family_of(const mbedtls_x509_crt& crt) {
  const std::string fingerprint = detail::sha256_hex(ByteView(crt.raw.p, crt.raw.len));
  if (const auto* known = detail::find_infineon_ca(fingerprint))
    return known->rsa_family ? CaFamily::kRsa : CaFamily::kEcc;
  if (mbedtls_pk_get_type(&crt.pk) == MBEDTLS_PK_RSA) return CaFamily::kRsa;
  if (mbedtls_pk_can_do(&crt.pk, MBEDTLS_PK_ECDSA)) return CaFamily::kEcc;
  return CaFamily::kOther;
}

struct Anchor {
  CrtPtr crt;
  std::string name;
  std::vector<int>
      parents; // every anchor that signed this one (a renewed CA: several); none for a root
  detail::FastIssuerKey fast; // for P-384 and RSA-2048 keys: the verify-only engines
  CaFamily family = CaFamily::kOther;
  // Its own DeviceProfile, or one inherited from an anchor above it (see link_anchors).
  bool infineon_profile = false;
};

// A signature a batch has checked already: the certificate's, with this anchor's key.
struct CheckedSignature {
  int anchor = 0;
  SignatureCheck result = SignatureCheck::kInvalid;
};

// Out of line: called from many branches of the per-certificate checks, most of them rare, each
// inlined copy a vector's growth path in code that the page's V8 compiles again.
[[gnu::noinline]] void add_problem(CertificateVerdict& v, ProblemCode code, std::string message) {
  v.problems.push_back(Problem{code, std::move(message)});
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
    add_problem(v, ProblemCode::kNotYetValid,
                who + " is not valid before " + detail::format_x509_time(crt.valid_from));
  if (at > detail::to_seconds(crt.valid_to))
    add_problem(v, ProblemCode::kExpired,
                who + " expired on " + detail::format_x509_time(crt.valid_to));
}

// Infineon's device profile, demanded by the anchors above the certificate. Every device
// certificate of a real bundle carries both extensions; one without them was not made by
// Infineon's issuing process, whatever key signed it. (keyUsage without digitalSignature is
// wrong_key_usage and CA:TRUE is is_ca, for every anchor: checked by the caller.)
void check_infineon_profile(CertificateVerdict& v, const mbedtls_x509_crt& crt) {
  // mbedTLS's own view decides presence (it is what wrong_key_usage reads); the raw extensions
  // give the criticality, which mbedTLS does not keep. Not found there reads as not critical.
  if ((crt.ext_types & MBEDTLS_X509_EXT_KEY_USAGE) == 0) {
    add_problem(v, ProblemCode::kProfileMismatch,
                "has no keyUsage extension, but a device certificate under Infineon's CAs "
                "carries keyUsage digitalSignature, marked critical");
  } else if (!detail::extension_is_critical(crt, MBEDTLS_OID_KEY_USAGE).value_or(false)) {
    add_problem(v, ProblemCode::kProfileMismatch,
                "has a keyUsage extension that is not marked critical, but a device certificate "
                "under Infineon's CAs carries keyUsage digitalSignature, marked critical");
  }
  if ((crt.ext_types & MBEDTLS_X509_EXT_BASIC_CONSTRAINTS) == 0)
    add_problem(v, ProblemCode::kProfileMismatch,
                "has no basicConstraints extension, but a device certificate under Infineon's CAs "
                "carries basicConstraints CA:FALSE");
}

// The issuer's name as text once per issuer of a slice, not once per certificate: a reel's
// thousands of device certificates name two or three CAs, and mbedTLS formats a name with a
// printf call per attribute, which cost as much as the rest of a verdict's text in the page.
// The text depends on the name's DER alone, so equal bytes give equal text. A slice naming more
// issuers than it keeps (only a hostile one) has the rest formatted each time.
class IssuerNames {
public:
  std::string of(const mbedtls_x509_crt& crt) {
    const ByteView raw(crt.issuer_raw.p, crt.issuer_raw.len);
    for (const auto& [der, text] : known_)
      if (std::equal(der.begin(), der.end(), raw.begin(), raw.end())) return text;
    std::string text = detail::issuer_dn(crt);
    if (known_.size() < kKept)
      known_.emplace_back(std::vector<std::uint8_t>(raw.begin(), raw.end()), text);
    return text;
  }

private:
  static constexpr std::size_t kKept = 8;
  std::vector<std::pair<std::vector<std::uint8_t>, std::string>> known_;
};

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
  std::string fingerprint; // of the store
  // The anchors' links (mbedTLS checks their own signatures: P-521, RSA-4096; remembered for
  // the process, pki/anchor_link_memo.hpp) and the fast engines (their first use runs the
  // engines' self-tests) cost tens of milliseconds. They are made at the first verification,
  // not at construction: a CLI thread or a page worker built at the start of a run unpacks
  // first and does not wait for them.
  std::once_flag ready_once;

  Impl& ready() {
    std::call_once(ready_once, [this] {
      for (Anchor& a : anchors)
        a.fast = detail::fast_issuer_key(*a.crt);
      link_anchors();
    });
    return *this;
  }

  void link_anchors() {
    for (std::size_t i = 0; i < anchors.size(); ++i) {
      const auto& child = *anchors[i].crt;
      // The anchors that could have signed this one: another anchor named as its issuer. With
      // none, it has no parent whatever its signature says, and nothing is checked: a root's own
      // signature (mbedTLS's P-521 or RSA-4096, tens of milliseconds in the page) is checked
      // only when another anchor bears its name, where it tells a root from a cross-signed CA.
      const auto named_as_issuer = [&](std::size_t j) {
        return i != j && detail::same_name(anchors[j].crt->subject_raw, child.issuer_raw);
      };
      bool any_candidate = false;
      for (std::size_t j = 0; j < anchors.size() && !any_candidate; ++j)
        any_candidate = named_as_issuer(j);
      if (!any_candidate) continue;
      if (detail::same_name(child.subject_raw, child.issuer_raw) &&
          detail::anchor_link_memo().check(child, child) == SignatureCheck::kValid)
        continue; // self-signed root
      for (std::size_t j = 0; j < anchors.size(); ++j) {
        if (!named_as_issuer(j)) continue;
        if (is_ca_usable(*anchors[j].crt) &&
            detail::anchor_link_memo().check(child, *anchors[j].crt) == SignatureCheck::kValid)
          anchors[i].parents.push_back(static_cast<int>(j));
      }
    }
    // An anchor signed by one that demands Infineon's device profile demands it too (a CA the
    // user adds under Infineon's root issues Infineon devices). Until nothing changes: each
    // round carries the demand one level down, and there are no more levels than anchors.
    for (bool changed = true; changed;) {
      changed = false;
      for (Anchor& a : anchors) {
        if (a.infineon_profile) continue;
        for (int parent : a.parents)
          if (anchors[static_cast<std::size_t>(parent)].infineon_profile) {
            a.infineon_profile = changed = true;
            break;
          }
      }
    }
  }

  // Every anchor that signed `crt` (several when a CA was renewed with the same name and key);
  // none, with the reason recorded in `v`, when no trusted key verifies the signature.
  std::vector<int> find_issuers(const mbedtls_x509_crt& crt, CertificateVerdict& v,
                                std::span<const CheckedSignature> checked) {
    std::vector<int> issuers;
    bool name_known = false;
    bool any_key_matches =
        false; // a same-named CA holds the key the certificate names (or it names none)
    bool unsupported = false;
    const auto aki = detail::authority_key_id(crt);
    for (std::size_t i = 0; i < anchors.size(); ++i) {
      const auto& ca = *anchors[i].crt;
      if (!detail::same_name(ca.subject_raw, crt.issuer_raw)) continue;
      name_known = true;
      const auto result = signature_by(crt, static_cast<int>(i), checked);
      if (result == SignatureCheck::kValid) {
        issuers.push_back(static_cast<int>(i));
        continue;
      }
      unsupported |= result == SignatureCheck::kUnsupportedAlgorithm;
      const auto ski = detail::subject_key_id(ca);
      if (!aki || !ski || std::equal(aki->begin(), aki->end(), ski->begin(), ski->end()))
        any_key_matches = true;
    }
    if (!issuers.empty()) return issuers;
    const std::string issuer = detail::issuer_dn(crt);
    if (!name_known) {
      add_problem(v, ProblemCode::kIssuerUntrusted,
                  "issued by '" + issuer + "', which is not a trusted CA");
    } else if (unsupported) {
      add_problem(v, ProblemCode::kSignatureInvalid, "signature algorithm is not supported");
    } else if (!any_key_matches) {
      add_problem(v, ProblemCode::kIssuerUntrusted,
                  "issued by a CA named '" + issuer + "' but not with the trusted CA's key");
    } else {
      add_problem(v, ProblemCode::kSignatureInvalid,
                  "signature does not verify with the key of '" + issuer + "'");
    }
    return issuers;
  }

  // The signature of `crt` checked with anchor `index`'s key: found in `checked` when a batch
  // did it already.
  SignatureCheck signature_by(const mbedtls_x509_crt& crt, int index,
                              std::span<const CheckedSignature> checked) const {
    for (const CheckedSignature& c : checked)
      if (c.anchor == index) return c.result;
    const Anchor& a = anchors[static_cast<std::size_t>(index)];
    return detail::check_signature(crt, *a.crt, &a.fast);
  }

  // What is wrong with trusting a certificate through `path` (its issuer first, up to the
  // root): an issuer that may not sign, a CA outside its validity, a CA of the wrong family.
  std::vector<Problem> path_problems(const std::vector<int>& path, CheckTime at,
                                     std::optional<CaFamily> family, Slot slot) const {
    CertificateVerdict v;
    const Anchor& issuer = anchors[static_cast<std::size_t>(path.front())];
    if (!is_ca_usable(*issuer.crt))
      add_problem(v, ProblemCode::kIssuerUntrusted,
                  "issuer '" + issuer.name + "' is not allowed to sign certificates");
    for (int index : path) {
      const Anchor& a = anchors[static_cast<std::size_t>(index)];
      check_validity(v, *a.crt, at, "CA '" + a.name + "'");
    }
    check_path_length(v, path);
    if (family) {
      for (int index : path) {
        const Anchor& a = anchors[static_cast<std::size_t>(index)];
        if (a.family == *family) continue;
        add_problem(v, ProblemCode::kWrongCaFamily,
                    "slot " + std::string(slot_name(slot)) + " must be issued under the " +
                        std::string(family_name(*family)) + " CA family, but '" + a.name +
                        "' belongs to the " + std::string(family_name(a.family)) + " family");
        break;
      }
    }
    return std::move(v.problems);
  }

  // RFC 5280 6.1.4 (l), (m): a CA's pathLenConstraint is the most CAs that may stand between it
  // and the certificate, not counting self-issued ones (a CA renewed under its own name). The
  // certificate itself is not counted, even when it is a CA (verify_loose). mbedTLS stores
  // pathLen + 1 in max_pathlen, 0 for none.
  void check_path_length(CertificateVerdict& v, const std::vector<int>& path) const {
    std::size_t between = 0; // non-self-issued CAs below the one looked at
    std::string names;       // those CAs, for the message
    for (int index : path) {
      const Anchor& a = anchors[static_cast<std::size_t>(index)];
      if (a.crt->max_pathlen > 0) {
        const auto allowed = static_cast<std::size_t>(a.crt->max_pathlen - 1);
        if (between > allowed) {
          const std::string limit = allowed == 0 ? "no CA" : std::to_string(allowed) + " CA(s)";
          add_problem(v, ProblemCode::kPathLengthExceeded,
                      "CA '" + a.name + "' allows " + limit + " below it (pathLenConstraint " +
                          std::to_string(allowed) + "), but the path puts " +
                          std::to_string(between) + " between it and the certificate (" + names +
                          ")");
          return; // one reason per path: the CAs above judge the same overlong path
        }
      }
      if (!detail::same_name(a.crt->subject_raw, a.crt->issuer_raw)) {
        ++between;
        names += (names.empty() ? "'" : ", '") + a.name + "'";
      }
    }
  }

  // Every path from the candidate issuers up through the anchors' parents; the first one
  // without problems wins, else the one with the fewest (so an expired CA that was renewed with
  // the same name and key does not hide the valid one).
  std::vector<int> best_path(const std::vector<int>& issuers, CheckTime at,
                             std::optional<CaFamily> family, Slot slot,
                             std::vector<Problem>& problems) const {
    std::vector<int> best;
    std::size_t best_count = 0;
    int tried = 0;
    std::vector<int> path;
    auto consider = [&] {
      ++tried;
      auto found = path_problems(path, at, family, slot);
      if (best.empty() || found.size() < best_count) {
        best = path;
        best_count = found.size();
        problems = std::move(found);
      }
    };
    // Depth-first, never through an anchor twice (hostile trust files may hold cycles).
    auto walk = [&](auto&& self, int index) -> void {
      if (tried >= kMaxPathsTried || (!best.empty() && best_count == 0)) return;
      if (std::find(path.begin(), path.end(), index) != path.end()) return;
      path.push_back(index);
      const auto& parents = anchors[static_cast<std::size_t>(index)].parents;
      if (parents.empty() || static_cast<int>(path.size()) >= kMaxChainDepth) {
        consider();
      } else {
        const std::size_t before = static_cast<std::size_t>(tried);
        for (int parent : parents)
          self(self, parent);
        if (static_cast<std::size_t>(tried) == before) consider(); // every parent was a cycle
      }
      path.pop_back();
    };
    for (int issuer : issuers)
      walk(walk, issuer);
    return best;
  }

  // verify()'s rarely taken branches that build a message, out of line: verify() runs once per
  // certificate, and in the page V8 compiles it again, cold branches and all.
  [[gnu::noinline]] static void several_certificates(CertificateVerdict& v, std::size_t count) {
    add_problem(v, ProblemCode::kSeveralCertificates,
                "the file holds " + std::to_string(count) +
                    " certificates; a certificate file must hold exactly one (only the first "
                    "is judged)");
  }
  [[gnu::noinline]] static void wrong_key_type(CertificateVerdict& v, Slot slot,
                                               std::string_view want) {
    add_problem(v, ProblemCode::kWrongKeyType,
                "slot " + std::string(slot_name(slot)) + " needs " + std::string(want) +
                    ", found " + v.key_type);
  }

  // issuer_names: a slice's memo of its issuers' names (verify_all), or none.
  CertificateVerdict verify(const Result<CrtPtr>& parsed, CheckTime at, bool device_rules,
                            std::optional<Slot> slot, std::span<const CheckedSignature> checked,
                            IssuerNames* issuer_names = nullptr) {
    CertificateVerdict v;
    if (!parsed) {
      // The reason mbedTLS gave, in words (e.g. an unknown critical extension).
      add_problem(v, ProblemCode::kUnparsable, parsed.error().message);
      return v;
    }
    const mbedtls_x509_crt& crt = **parsed;
    v.parsed = true;
    // A certificate file holds one certificate. The first is judged below all the same, so the
    // report shows what it is; the others would otherwise pass unseen.
    if (const std::size_t count = detail::certificate_count(crt); count > 1)
      several_certificates(v, count);
    v.subject = detail::subject_dn(crt);
    v.issuer = issuer_names ? issuer_names->of(crt) : detail::issuer_dn(crt);
    v.serial = detail::to_hex(ByteView(crt.serial.p, crt.serial.len), true);
    v.not_before = detail::format_x509_time(crt.valid_from);
    v.not_after = detail::format_x509_time(crt.valid_to);
    v.key_type = detail::key_type(crt);
    v.fingerprint_sha256 = detail::sha256_hex(ByteView(crt.raw.p, crt.raw.len));
    v.public_key_sha256 = detail::sha256_hex(ByteView(crt.pk_raw.p, crt.pk_raw.len));

    // The CA family is checked for certificates whose key fits their slot; one with the other
    // slot's key type is already wrong_key_type (and its issuer then naturally the other family).
    std::optional<CaFamily> family;
    if (device_rules) {
      if (crt.ca_istrue)
        add_problem(v, ProblemCode::kIsCa, "a device certificate must not be a CA");
      // Infineon's device certificates carry keyUsage (critical) = digitalSignature.
      if ((crt.ext_types & MBEDTLS_X509_EXT_KEY_USAGE) &&
          (crt.key_usage & MBEDTLS_X509_KU_DIGITAL_SIGNATURE) == 0)
        add_problem(v, ProblemCode::kWrongKeyUsage,
                    "keyUsage does not allow digitalSignature, which a device certificate needs");
      if (slot) {
        const std::string_view want = *slot == Slot::kE0E2 ? "RSA 2048" : "EC P-256";
        if (v.key_type != want)
          wrong_key_type(v, *slot, want);
        else
          family = slot_family(*slot);
      }
    }
    check_validity(v, crt, at, "certificate");

    const std::vector<int> issuers = find_issuers(crt, v, checked);
    if (issuers.empty()) return v;
    // The demand of every anchor whose key signed the certificate, not only of the path that
    // is reported: a second copy of a CA without the demand must not lift it.
    if (device_rules && std::any_of(issuers.begin(), issuers.end(), [&](int i) {
          return anchors[static_cast<std::size_t>(i)].infineon_profile;
        }))
      check_infineon_profile(v, crt);
    std::vector<Problem> problems;
    for (int index : best_path(issuers, at, family, slot.value_or(Slot::kE0E0), problems))
      v.chain.push_back(anchors[static_cast<std::size_t>(index)].name);
    for (auto& p : problems)
      v.problems.push_back(std::move(p));
    return v;
  }
};

ChainVerifier::ChainVerifier(const TrustStore& store) : impl_(std::make_unique<Impl>()) {
  impl_->fingerprint = store.fingerprint();
  for (const auto& anchor : store.anchors()) {
    auto parsed = detail::parse_certificates(anchor.der, anchor.source);
    if (!parsed) continue; // TrustStore::add only keeps certificates that parsed
    Anchor& a = impl_->anchors.emplace_back(Anchor{std::move(*parsed), {}, {}, {}});
    a.infineon_profile = anchor.device_profile == DeviceProfile::kInfineon;
    a.name = detail::common_name(*a.crt);
    a.family = family_of(*a.crt);
  }
}

ChainVerifier::~ChainVerifier() = default;

const std::string& ChainVerifier::anchors_fingerprint() const {
  return impl_->fingerprint;
}

void ChainVerifier::prepare() const {
  for (const Anchor& a : impl_->ready().anchors)
    if (a.fast.p384) a.fast.p384->prepare();
}
ChainVerifier::ChainVerifier(ChainVerifier&&) noexcept = default;
ChainVerifier& ChainVerifier::operator=(ChainVerifier&&) noexcept = default;

namespace {

// The device rules that read the file's name and place.
void judge_file_name(CertificateVerdict& v, const CertificateFile& file) {
  v.archive = file.archive;
  v.file = file.name;
  v.slot = file.slot;
  const NameParts parts = parse_certificate_name(file.name);
  if (parts.chip) v.chip_id = parts.chip->hex();
  if (!parts.chip || !parts.slot) {
    add_problem(v, ProblemCode::kNameMismatch,
                "file name does not follow <chipID>_" + std::string(slot_name(file.slot)) + ".pem");
  } else if (*parts.slot != file.slot) {
    add_problem(v, ProblemCode::kNameMismatch,
                "an " + std::string(slot_name(*parts.slot)) + " certificate file in the " +
                    std::string(slot_name(file.slot)) + " archive");
  }
}

} // namespace

CertificateVerdict ChainVerifier::verify(const CertificateFile& file, CheckTime at) const {
  CertificateVerdict v = impl_->ready().verify(detail::parse_certificates(file.data, "certificate"),
                                               at, true, file.slot, {});
  judge_file_name(v, file);
  return v;
}

// A signature of file `file` with anchor `anchor`'s key, asked of an engine outside verify().
struct AskedSignature {
  std::size_t file = 0;
  int anchor = 0;
  SignatureCheck result = SignatureCheck::kInvalid;
};

struct PendingVerdicts::State {
  const void* owner = nullptr; // the ChainVerifier::Impl that began it
  std::span<const CertificateFile> files;
  CheckTime at = 0;
  std::vector<Result<CrtPtr>> parsed;
  std::vector<AskedSignature> p384; // checked, in file order
  std::vector<AskedSignature> rsa;  // asked, in file order: rsa_questions' places
  std::vector<RsaSignatureQuestion> questions;
};

PendingVerdicts::PendingVerdicts(std::unique_ptr<State> state) : state_(std::move(state)) {}
PendingVerdicts::PendingVerdicts(PendingVerdicts&&) noexcept = default;
PendingVerdicts& PendingVerdicts::operator=(PendingVerdicts&&) noexcept = default;
PendingVerdicts::~PendingVerdicts() = default;

std::span<const RsaSignatureQuestion> PendingVerdicts::rsa_questions() const {
  return state_ ? std::span<const RsaSignatureQuestion>(state_->questions)
                : std::span<const RsaSignatureQuestion>();
}

std::vector<CertificateVerdict> ChainVerifier::verify_all(std::span<const CertificateFile> files,
                                                          CheckTime at) const {
  PendingVerdicts pending = begin_all(files, at);
  // Every RSA signature unanswered: verify() checks each with the core's own engine.
  const std::vector<RsaAnswer> answers(pending.rsa_questions().size(), RsaAnswer::kUnanswered);
  return std::move(*finish_all(std::move(pending), answers));
}

PendingVerdicts ChainVerifier::begin_all(std::span<const CertificateFile> files,
                                         CheckTime at) const {
  Impl& impl = impl_->ready();
  auto state = std::make_unique<PendingVerdicts::State>();
  state->owner = impl_.get();
  state->files = files;
  state->at = at;
  state->parsed.reserve(files.size());
  for (const CertificateFile& file : files)
    state->parsed.push_back(detail::parse_certificates(file.data, "certificate"));

  // Every signature the P-384 engine would check, checked in one batch, and every one the RSA
  // engine would check, asked: for each certificate, with the key of each anchor of its
  // issuer's name (find_issuers tries them all).
  std::vector<detail::P384SignatureCheck> p384;
  for (std::size_t i = 0; i < state->parsed.size(); ++i) {
    if (!state->parsed[i]) continue;
    const mbedtls_x509_crt& crt = **state->parsed[i];
    for (std::size_t j = 0; j < impl.anchors.size(); ++j) {
      const Anchor& a = impl.anchors[j];
      if (!detail::same_name(a.crt->subject_raw, crt.issuer_raw)) continue;
      if (auto check = detail::p384_signature_check(crt, *a.crt, &a.fast)) {
        state->p384.push_back({i, static_cast<int>(j)});
        p384.push_back(*check);
      } else if (const auto hash = detail::rsa_signature_hash(crt, *a.crt, &a.fast)) {
        state->rsa.push_back({i, static_cast<int>(j)});
        state->questions.push_back({ByteView(a.crt->pk_raw.p, a.crt->pk_raw.len), *hash,
                                    ByteView(crt.tbs.p, crt.tbs.len),
                                    ByteView(crt.sig.p, crt.sig.len)});
      }
    }
  }
  std::vector<detail::EcdsaP384Verifier::Signed> batch;
  batch.reserve(p384.size());
  for (const auto& check : p384)
    batch.push_back({check.key, check.digest.view(), check.signature});
  const std::vector<bool> valid = detail::EcdsaP384Verifier::verify_batch(batch);
  for (std::size_t k = 0; k < valid.size(); ++k)
    state->p384[k].result = valid[k] ? SignatureCheck::kValid : SignatureCheck::kInvalid;
  return PendingVerdicts(std::move(state));
}

Result<std::vector<CertificateVerdict>>
ChainVerifier::finish_all(PendingVerdicts pending, std::span<const RsaAnswer> answers) const {
  PendingVerdicts::State* state = pending.state_.get();
  if (state == nullptr || state->owner != impl_.get())
    return make_error(ErrorCode::kBadInput,
                      "verification is inconsistent: the pending verdicts belong to another "
                      "verifier");
  if (answers.size() != state->questions.size())
    return make_error(ErrorCode::kBadInput,
                      "verification is inconsistent: " + std::to_string(answers.size()) +
                          " answers to " + std::to_string(state->questions.size()) +
                          " RSA signatures");
  for (const RsaAnswer answer : answers)
    if (answer != RsaAnswer::kInvalid && answer != RsaAnswer::kValid &&
        answer != RsaAnswer::kUnanswered)
      return make_error(ErrorCode::kBadInput,
                        "verification is inconsistent: an RSA signature's answer is neither "
                        "valid, invalid nor unanswered");
  Impl& impl = impl_->ready();
  std::vector<CertificateVerdict> verdicts;
  verdicts.reserve(state->files.size());
  std::vector<CheckedSignature> checked;
  IssuerNames issuer_names;
  std::size_t next_p384 = 0, next_rsa = 0; // both in file order
  for (std::size_t i = 0; i < state->files.size(); ++i) {
    checked.clear();
    for (; next_p384 < state->p384.size() && state->p384[next_p384].file == i; ++next_p384)
      checked.push_back({state->p384[next_p384].anchor, state->p384[next_p384].result});
    for (; next_rsa < state->rsa.size() && state->rsa[next_rsa].file == i; ++next_rsa) {
      const RsaAnswer answer = answers[next_rsa];
      if (answer == RsaAnswer::kUnanswered) continue; // verify() checks it with the core's engine
      checked.push_back({state->rsa[next_rsa].anchor, answer == RsaAnswer::kValid
                                                          ? SignatureCheck::kValid
                                                          : SignatureCheck::kInvalid});
    }
    CertificateVerdict& v = verdicts.emplace_back(impl.verify(
        state->parsed[i], state->at, true, state->files[i].slot, checked, &issuer_names));
    judge_file_name(v, state->files[i]);
  }
  return verdicts;
}

CertificateVerdict ChainVerifier::verify_loose(ByteView data, std::string_view name,
                                               CheckTime at) const {
  CertificateVerdict v = impl_->ready().verify(detail::parse_certificates(data, "certificate"), at,
                                               false, std::nullopt, {});
  v.file = std::string(name);
  return v;
}

} // namespace reelcheck
