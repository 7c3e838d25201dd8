#include "pki/parsed_certificate.hpp"

#include <mbedtls/asn1.h>
#include <mbedtls/ecp.h>
#include <mbedtls/error.h>
#include <mbedtls/md.h>
#include <mbedtls/oid.h>
#include <mbedtls/pem.h>
#include <mbedtls/pk.h>
#include <mbedtls/sha256.h>
#include <mbedtls/version.h>

#include <algorithm>
#include <cstring>
#include <string_view>

#include "crypto/ecdsa_p384.hpp"
#include "crypto/rsa_verifier.hpp"
#include "crypto/sha256.hpp"
#include "pki/pem_decoder.hpp"
#include "util/civil_time.hpp"
#include "util/hex.hpp"

namespace reelcheck::detail {

void CrtDeleter::operator()(mbedtls_x509_crt* crt) const noexcept {
  mbedtls_x509_crt_free(crt);
  delete crt;
}

bool looks_like_pem(ByteView data) {
  static constexpr std::string_view kBegin = "-----BEGIN CERTIFICATE-----";
  const std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  return text.find(kBegin) != std::string_view::npos;
}

namespace {

// What the parse noticed beyond mbedTLS's error code, for the message.
struct ParseNotes {
  std::string critical_oid;     // the first unknown critical extension
  std::size_t trailing_bytes{}; // after the end of a certificate's DER
};

// A certificate's DER followed by more bytes: mbedTLS parses the first element and ignores the
// rest, so a second certificate (or anything) appended to a DER file, or inside a PEM block,
// would go unseen. Refused like any malformed structure.
// (MBEDTLS_ERROR_ADD is a function call, so the sum is written out.)
constexpr int kTrailingData = MBEDTLS_ERR_X509_INVALID_FORMAT + MBEDTLS_ERR_ASN1_LENGTH_MISMATCH;

// What went wrong, in words, from mbedTLS's error code (high-level X.509/PEM/PK part plus the
// low-level ASN.1 part) and what the parse noticed (an unknown critical extension's OID, bytes
// after the certificate).
std::string describe_parse_error(int ret, const ParseNotes& notes) {
  if (ret == kTrailingData && notes.trailing_bytes != 0)
    return "has " + std::to_string(notes.trailing_bytes) +
           " byte(s) of other data after the end of the certificate: a certificate file must "
           "hold exactly one certificate";
  const std::string& critical_oid = notes.critical_oid;
  const int code = ret < 0 ? -ret : ret;
  const int high = code & 0xFF80;
  const int low = code & 0x007F;
  std::string what;
  switch (-high) {
  case MBEDTLS_ERR_X509_INVALID_EXTENSIONS:
    what = !critical_oid.empty() ? "has an unknown critical extension (OID " + critical_oid +
                                       "): a verifier must refuse what it cannot check"
                                 : "has a malformed or repeated extension";
    break;
  case MBEDTLS_ERR_X509_FEATURE_UNAVAILABLE:
    what = "has a critical extension that cannot be checked (unsupported)";
    break;
  case MBEDTLS_ERR_X509_INVALID_FORMAT: what = "is not a valid X.509 certificate structure"; break;
  case MBEDTLS_ERR_X509_INVALID_VERSION:
  case MBEDTLS_ERR_X509_UNKNOWN_VERSION: what = "has an unsupported X.509 version"; break;
  case MBEDTLS_ERR_X509_INVALID_SERIAL: what = "has a malformed serial number"; break;
  case MBEDTLS_ERR_X509_INVALID_ALG: what = "has a malformed algorithm identifier"; break;
  case MBEDTLS_ERR_X509_UNKNOWN_SIG_ALG: what = "uses an unknown signature algorithm"; break;
  case MBEDTLS_ERR_X509_SIG_MISMATCH:
    what = "names two different signature algorithms (inside and outside the signed part)";
    break;
  case MBEDTLS_ERR_X509_UNKNOWN_OID: what = "uses an unknown algorithm or key type"; break;
  case MBEDTLS_ERR_X509_INVALID_NAME: what = "has a malformed subject or issuer name"; break;
  case MBEDTLS_ERR_X509_INVALID_DATE: what = "has malformed validity dates"; break;
  case MBEDTLS_ERR_X509_INVALID_SIGNATURE: what = "has a malformed signature field"; break;
  case MBEDTLS_ERR_X509_ALLOC_FAILED: what = "is too large to load (out of memory)"; break;
  case MBEDTLS_ERR_X509_BAD_INPUT_DATA:
  case MBEDTLS_ERR_X509_CERT_UNKNOWN_FORMAT: return "is not a valid PEM or DER certificate";
  default:
    if (-high <= MBEDTLS_ERR_PEM_NO_HEADER_FOOTER_PRESENT &&
        -high >= MBEDTLS_ERR_PEM_BAD_INPUT_DATA)
      return "has a damaged PEM (base64) encoding";
    if (-high <= MBEDTLS_ERR_PK_ALLOC_FAILED + 0x780 && -high >= MBEDTLS_ERR_PK_ALLOC_FAILED)
      return "has a public key that cannot be used (malformed, unsupported type or curve)";
    return "is not a valid PEM or DER certificate";
  }
  switch (-low) {
  case MBEDTLS_ERR_ASN1_OUT_OF_DATA: what += " (the data ends early)"; break;
  case MBEDTLS_ERR_ASN1_LENGTH_MISMATCH: what += " (a length does not match)"; break;
  case MBEDTLS_ERR_ASN1_INVALID_LENGTH: what += " (an invalid length)"; break;
  case MBEDTLS_ERR_ASN1_INVALID_DATA: what += " (invalid data)"; break;
  default: break;
  }
  return what;
}

// Called by mbedTLS for every extension it does not know: records the first critical one (which
// mbedTLS then refuses) so that the message can name it.
int note_unknown_extension(void* context, const mbedtls_x509_crt*, const mbedtls_x509_buf* oid,
                           int critical, const unsigned char*, const unsigned char*) {
  if (!critical) return 0;
  auto& first = *static_cast<std::string*>(context);
  if (first.empty()) {
    char dotted[128];
    const int n = mbedtls_oid_get_numeric_string(dotted, sizeof dotted, oid);
    first = n > 0 ? std::string(dotted, static_cast<std::size_t>(n)) : std::string("unprintable");
  }
  return MBEDTLS_ERROR_ADD(MBEDTLS_ERR_X509_INVALID_EXTENSIONS, MBEDTLS_ERR_ASN1_UNEXPECTED_TAG);
}

int parse_der(mbedtls_x509_crt* chain, const unsigned char* der, std::size_t size,
              ParseNotes& notes) {
  unsigned char* p = const_cast<unsigned char*>(der);
  std::size_t len = 0;
  // A malformed outer SEQUENCE is left to mbedTLS, which names the fault.
  if (mbedtls_asn1_get_tag(&p, der + size, &len,
                           MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) == 0) {
    const std::size_t used = static_cast<std::size_t>(p - der) + len;
    if (used < size) {
      notes.trailing_bytes = size - used;
      return kTrailingData;
    }
  }
  return mbedtls_x509_crt_parse_der_with_ext_cb(chain, der, size, /*make_copy=*/1,
                                                note_unknown_extension, &notes.critical_oid);
}

} // namespace

Result<CrtPtr> parse_certificates(ByteView data, std::string_view source) {
  CrtPtr chain(new mbedtls_x509_crt);
  mbedtls_x509_crt_init(chain.get());
  ParseNotes notes;
  int first_error = 0;
  std::size_t failed = 0;
  if (const auto der = decode_single_pem_certificate(data)) {
    // The common case (one device certificate per file), without mbedTLS's constant-time base64.
    first_error = parse_der(chain.get(), der->data(), der->size(), notes);
    failed = first_error != 0;
  } else if (looks_like_pem(data)) {
    // Every CERTIFICATE block in turn (mbedTLS wants the text NUL-terminated).
    std::vector<unsigned char> text(data.begin(), data.end());
    text.push_back('\0');
    const unsigned char* p = text.data();
    const unsigned char* end = text.data() + text.size() - 1;
    while (p < end) {
      mbedtls_pem_context pem;
      mbedtls_pem_init(&pem);
      std::size_t used = 0;
      const int ret = mbedtls_pem_read_buffer(&pem, "-----BEGIN CERTIFICATE-----",
                                              "-----END CERTIFICATE-----", p, nullptr, 0, &used);
      if (ret == MBEDTLS_ERR_PEM_NO_HEADER_FOOTER_PRESENT) {
        mbedtls_pem_free(&pem);
        break;
      }
      int parsed = ret;
      if (ret == 0) parsed = parse_der(chain.get(), pem.buf, pem.buflen, notes);
      mbedtls_pem_free(&pem);
      if (parsed != 0) {
        ++failed;
        if (first_error == 0) first_error = parsed;
      }
      if (ret == MBEDTLS_ERR_PEM_BAD_INPUT_DATA || used == 0) break;
      p += used;
    }
  } else {
    first_error = parse_der(chain.get(), data.data(), data.size(), notes);
    failed = first_error != 0;
  }
  if (failed != 0 || chain->raw.p == nullptr) {
    std::string what = describe_parse_error(first_error, notes);
    if (chain->raw.p != nullptr)
      what = std::to_string(failed) + " certificate(s) could not be parsed: the first " + what;
    return make_error(ErrorCode::kBadInput, std::string(source) + ": " + what);
  }
  return chain;
}

std::size_t certificate_count(const mbedtls_x509_crt& chain) {
  std::size_t n = 0;
  for (const mbedtls_x509_crt* c = &chain; c != nullptr && c->raw.p != nullptr; c = c->next)
    ++n;
  return n;
}

namespace {

std::string dn_string(const mbedtls_x509_name& name) {
  char buf[1024];
  const int n = mbedtls_x509_dn_gets(buf, sizeof buf, &name);
  return n < 0 ? std::string("(unprintable name)") : std::string(buf, static_cast<std::size_t>(n));
}

struct Extension {
  ByteView value; // the extnValue contents
  bool critical = false;
};

// Walks the v3 extensions and returns the one with `oid`.
std::optional<Extension> find_extension(const mbedtls_x509_crt& crt, std::string_view oid) {
  if (crt.v3_ext.p == nullptr || crt.v3_ext.len == 0) return std::nullopt;
  unsigned char* p = crt.v3_ext.p;
  const unsigned char* end = p + crt.v3_ext.len;
  std::size_t len = 0;
  if (mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE))
    return std::nullopt;
  while (p < end) {
    if (mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE))
      return std::nullopt;
    const unsigned char* ext_end = p + len;
    std::size_t oid_len = 0;
    if (mbedtls_asn1_get_tag(&p, ext_end, &oid_len, MBEDTLS_ASN1_OID)) return std::nullopt;
    const bool match = oid_len == oid.size() && std::memcmp(p, oid.data(), oid_len) == 0;
    p += oid_len;
    int critical = 0;
    (void)mbedtls_asn1_get_bool(&p, ext_end, &critical); // optional field
    std::size_t value_len = 0;
    if (mbedtls_asn1_get_tag(&p, ext_end, &value_len, MBEDTLS_ASN1_OCTET_STRING))
      return std::nullopt;
    if (match) return Extension{ByteView(p, value_len), critical != 0};
    p = const_cast<unsigned char*>(ext_end);
  }
  return std::nullopt;
}

std::optional<ByteView> extension_value(const mbedtls_x509_crt& crt, std::string_view oid) {
  const auto found = find_extension(crt, oid);
  if (!found) return std::nullopt;
  return found->value;
}

} // namespace

std::optional<bool> extension_is_critical(const mbedtls_x509_crt& crt, std::string_view oid) {
  const auto found = find_extension(crt, oid);
  if (!found) return std::nullopt;
  return found->critical;
}

std::string subject_dn(const mbedtls_x509_crt& crt) {
  return dn_string(crt.subject);
}
std::string issuer_dn(const mbedtls_x509_crt& crt) {
  return dn_string(crt.issuer);
}

std::string common_name(const mbedtls_x509_crt& crt) {
  for (const mbedtls_x509_name* n = &crt.subject; n != nullptr; n = n->next) {
    if (n->oid.p != nullptr && MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &n->oid) == 0)
      return std::string(reinterpret_cast<const char*>(n->val.p), n->val.len);
  }
  return subject_dn(crt);
}

std::string key_type(const mbedtls_x509_crt& crt) {
  const mbedtls_pk_type_t type = mbedtls_pk_get_type(&crt.pk);
  if (type == MBEDTLS_PK_RSA) return "RSA " + std::to_string(mbedtls_pk_get_bitlen(&crt.pk));
  if (type == MBEDTLS_PK_ECKEY || type == MBEDTLS_PK_ECKEY_DH || type == MBEDTLS_PK_ECDSA) {
    switch (mbedtls_pk_ec(crt.pk)->grp.id) {
    case MBEDTLS_ECP_DP_SECP256R1: return "EC P-256";
    case MBEDTLS_ECP_DP_SECP384R1: return "EC P-384";
    case MBEDTLS_ECP_DP_SECP521R1: return "EC P-521";
    default: return "EC (other curve)";
    }
  }
  return "unknown";
}

std::string sha256_hex(ByteView data) {
  Sha256 sha;
  sha.update(data);
  return to_hex(sha.finish());
}

std::int64_t to_seconds(const mbedtls_x509_time& t) {
  return seconds_from_civil(CivilTime{t.year, t.mon, t.day, t.hour, t.min, t.sec});
}

std::string format_x509_time(const mbedtls_x509_time& t) {
  return format_civil(CivilTime{t.year, t.mon, t.day, t.hour, t.min, t.sec});
}

std::optional<ByteView> subject_key_id(const mbedtls_x509_crt& crt) {
  auto value = extension_value(crt, MBEDTLS_OID_SUBJECT_KEY_IDENTIFIER);
  if (!value) return std::nullopt;
  unsigned char* p = const_cast<unsigned char*>(value->data());
  std::size_t len = 0;
  if (mbedtls_asn1_get_tag(&p, value->data() + value->size(), &len, MBEDTLS_ASN1_OCTET_STRING))
    return std::nullopt;
  return ByteView(p, len);
}

std::optional<ByteView> authority_key_id(const mbedtls_x509_crt& crt) {
  auto value = extension_value(crt, MBEDTLS_OID_AUTHORITY_KEY_IDENTIFIER);
  if (!value) return std::nullopt;
  unsigned char* p = const_cast<unsigned char*>(value->data());
  const unsigned char* end = value->data() + value->size();
  std::size_t len = 0;
  if (mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE))
    return std::nullopt;
  if (mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONTEXT_SPECIFIC | 0)) return std::nullopt;
  return ByteView(p, len);
}

// The calls below (and the key and group fields read elsewhere in this layer) are mbedTLS 2.x
// API; 3.x renamed or hid them. Fail the build, not the verdicts, on another major version.
static_assert(MBEDTLS_VERSION_MAJOR == 2, "the PKI layer is written against the mbedTLS 2.x API");

namespace {

// A verdict when there is nothing to verify: an unknown hash, or a key that cannot make such
// signatures.
std::optional<SignatureCheck> nothing_to_verify(const mbedtls_x509_crt& child,
                                                const mbedtls_x509_crt& parent) {
  if (mbedtls_md_info_from_type(child.sig_md) == nullptr)
    return SignatureCheck::kUnsupportedAlgorithm;
  if (!mbedtls_pk_can_do(&parent.pk, child.sig_pk)) return SignatureCheck::kInvalid;
  return std::nullopt;
}

// The digest of child's signed part, by the hash its signature names; a verdict instead when
// there is nothing to verify.
std::optional<SignatureCheck> digest_to_verify(const mbedtls_x509_crt& child,
                                               const mbedtls_x509_crt& parent, SignedDigest& out) {
  if (const auto decided = nothing_to_verify(child, parent)) return decided;
  const mbedtls_md_info_t* md = mbedtls_md_info_from_type(child.sig_md);
  if (child.sig_md == MBEDTLS_MD_SHA256) {
    // Infineon's RSA CA signs with SHA-256: on the SHA instructions where the CPU has them
    // (crypto/sha256.hpp), the same digest as mbedTLS's in a fraction of the time.
    Sha256 sha;
    sha.update(ByteView(child.tbs.p, child.tbs.len));
    const auto digest = sha.finish();
    std::copy(digest.begin(), digest.end(), out.bytes.begin());
  } else if (mbedtls_md(md, child.tbs.p, child.tbs.len, out.bytes.data()) != 0) {
    return SignatureCheck::kInvalid;
  }
  out.size = mbedtls_md_get_size(md);
  return std::nullopt;
}

bool goes_to_p384_engine(const mbedtls_x509_crt& child, const FastIssuerKey* fast) {
  return fast != nullptr && fast->p384 && child.sig_pk == MBEDTLS_PK_ECDSA;
}

// The RSA engine's hash for child's signature, when check_signature gives it to that engine:
// PKCS#1 v1.5 with a SHA-2 digest (RSASSA-PSS is sig_pk MBEDTLS_PK_RSASSA_PSS and stays with
// mbedTLS).
std::optional<RsaVerifier::Hash> rsa_engine_hash(const mbedtls_x509_crt& child,
                                                 const FastIssuerKey* fast) {
  if (fast == nullptr || !fast->rsa || child.sig_pk != MBEDTLS_PK_RSA) return std::nullopt;
  switch (child.sig_md) {
  case MBEDTLS_MD_SHA256: return RsaVerifier::Hash::kSha256;
  case MBEDTLS_MD_SHA384: return RsaVerifier::Hash::kSha384;
  case MBEDTLS_MD_SHA512: return RsaVerifier::Hash::kSha512;
  default: return std::nullopt;
  }
}

} // namespace

SignatureCheck check_signature(const mbedtls_x509_crt& child, const mbedtls_x509_crt& parent,
                               const FastIssuerKey* fast) {
  SignedDigest digest;
  if (const auto decided = digest_to_verify(child, parent, digest)) return *decided;
  const std::span<const std::uint8_t> signature(child.sig.p, child.sig.len);
  if (goes_to_p384_engine(child, fast))
    return fast->p384->verify(digest.view(), signature) ? SignatureCheck::kValid
                                                        : SignatureCheck::kInvalid;
  if (const auto h = rsa_engine_hash(child, fast))
    return fast->rsa->verify(*h, digest.view(), signature) ? SignatureCheck::kValid
                                                           : SignatureCheck::kInvalid;
  // mbedTLS's verify functions take non-const contexts (they cache curve tables), which is why
  // a ChainVerifier is per thread.
  auto* key = const_cast<mbedtls_pk_context*>(&parent.pk);
  const int ret =
      mbedtls_pk_verify_ext(child.sig_pk, child.sig_opts, key, child.sig_md, digest.bytes.data(),
                            digest.size, child.sig.p, child.sig.len);
  return ret == 0 ? SignatureCheck::kValid : SignatureCheck::kInvalid;
}

std::optional<P384SignatureCheck> p384_signature_check(const mbedtls_x509_crt& child,
                                                       const mbedtls_x509_crt& parent,
                                                       const FastIssuerKey* fast) {
  if (!goes_to_p384_engine(child, fast)) return std::nullopt;
  P384SignatureCheck check;
  if (digest_to_verify(child, parent, check.digest)) return std::nullopt;
  check.key = fast->p384.get();
  check.signature = ByteView(child.sig.p, child.sig.len);
  return check;
}

std::optional<std::string_view> rsa_signature_hash(const mbedtls_x509_crt& child,
                                                   const mbedtls_x509_crt& parent,
                                                   const FastIssuerKey* fast) {
  // Without the digest: the platform makes its own.
  if (nothing_to_verify(child, parent)) return std::nullopt;
  const auto h = rsa_engine_hash(child, fast);
  if (!h) return std::nullopt;
  switch (*h) {
  case RsaVerifier::Hash::kSha256: return "SHA-256";
  case RsaVerifier::Hash::kSha384: return "SHA-384";
  case RsaVerifier::Hash::kSha512: return "SHA-512";
  }
  return std::nullopt;
}

std::shared_ptr<const RsaVerifier> rsa_verifier_for(const mbedtls_x509_crt& crt) {
  if (mbedtls_pk_get_type(&crt.pk) != MBEDTLS_PK_RSA) return nullptr;
  const mbedtls_rsa_context& rsa = *mbedtls_pk_rsa(crt.pk);
  unsigned char n[512], e[8];
  const std::size_t n_len = mbedtls_mpi_size(&rsa.N), e_len = mbedtls_mpi_size(&rsa.E);
  if (n_len > sizeof n || e_len > sizeof e || mbedtls_mpi_write_binary(&rsa.N, n, n_len) != 0 ||
      mbedtls_mpi_write_binary(&rsa.E, e, e_len) != 0)
    return nullptr;
  return RsaVerifier::create(std::span(n, n_len), std::span(e, e_len));
}

FastIssuerKey fast_issuer_key(const mbedtls_x509_crt& crt) {
  return FastIssuerKey{p384_verifier_for(crt), rsa_verifier_for(crt)};
}

std::shared_ptr<const EcdsaP384Verifier> p384_verifier_for(const mbedtls_x509_crt& crt) {
  if (!mbedtls_pk_can_do(&crt.pk, MBEDTLS_PK_ECDSA)) return nullptr;
  const mbedtls_ecp_keypair& key = *mbedtls_pk_ec(crt.pk);
  if (key.grp.id != MBEDTLS_ECP_DP_SECP384R1) return nullptr;
  unsigned char point[MBEDTLS_ECP_MAX_PT_LEN];
  std::size_t len = 0;
  if (mbedtls_ecp_point_write_binary(&key.grp, &key.Q, MBEDTLS_ECP_PF_UNCOMPRESSED, &len, point,
                                     sizeof point) != 0)
    return nullptr;
  return EcdsaP384Verifier::create(std::span(point, len));
}

} // namespace reelcheck::detail
