#include "pki/parsed_certificate.hpp"

#include <mbedtls/asn1.h>
#include <mbedtls/ecp.h>
#include <mbedtls/md.h>
#include <mbedtls/oid.h>
#include <mbedtls/sha256.h>

#include <algorithm>
#include <cstring>
#include <string_view>

#include "pki/ecdsa_p384.hpp"
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

Result<CrtPtr> parse_certificates(ByteView data, std::string_view source) {
  CrtPtr chain(new mbedtls_x509_crt);
  mbedtls_x509_crt_init(chain.get());
  int ret = 0;
  if (looks_like_pem(data)) {
    // mbedTLS wants PEM NUL-terminated, with the terminator counted in the length.
    std::vector<unsigned char> text(data.begin(), data.end());
    text.push_back('\0');
    ret = mbedtls_x509_crt_parse(chain.get(), text.data(), text.size());
  } else {
    ret = mbedtls_x509_crt_parse_der(chain.get(), data.data(), data.size());
  }
  if (ret != 0 || chain->raw.p == nullptr) {
    std::string what = ret > 0 ? std::to_string(ret) + " certificate(s) could not be parsed"
                               : "not a valid PEM or DER certificate";
    return make_error(ErrorCode::kBadInput, std::string(source) + ": " + what);
  }
  return chain;
}

namespace {

std::string dn_string(const mbedtls_x509_name& name) {
  char buf[1024];
  const int n = mbedtls_x509_dn_gets(buf, sizeof buf, &name);
  return n < 0 ? std::string("(unprintable name)") : std::string(buf, static_cast<std::size_t>(n));
}

// Walks the v3 extensions and returns the extnValue contents of the one with `oid`.
std::optional<ByteView> extension_value(const mbedtls_x509_crt& crt, std::string_view oid) {
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
    if (match) return ByteView(p, value_len);
    p = const_cast<unsigned char*>(ext_end);
  }
  return std::nullopt;
}

} // namespace

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
  unsigned char digest[32];
  mbedtls_sha256_ret(data.data(), data.size(), digest, 0);
  return to_hex(digest);
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

SignatureCheck check_signature(const mbedtls_x509_crt& child, const mbedtls_x509_crt& parent,
                               const EcdsaP384Verifier* parent_p384) {
  const mbedtls_md_info_t* md = mbedtls_md_info_from_type(child.sig_md);
  if (md == nullptr) return SignatureCheck::kUnsupportedAlgorithm;
  unsigned char hash[MBEDTLS_MD_MAX_SIZE];
  if (mbedtls_md(md, child.tbs.p, child.tbs.len, hash) != 0) return SignatureCheck::kInvalid;
  // mbedTLS's verify functions take non-const contexts (they cache curve tables), which is why
  // a ChainVerifier is per thread.
  auto* key = const_cast<mbedtls_pk_context*>(&parent.pk);
  if (!mbedtls_pk_can_do(key, child.sig_pk)) return SignatureCheck::kInvalid;
  if (parent_p384 != nullptr && child.sig_pk == MBEDTLS_PK_ECDSA)
    return parent_p384->verify(std::span(hash, mbedtls_md_get_size(md)),
                               std::span(child.sig.p, child.sig.len))
               ? SignatureCheck::kValid
               : SignatureCheck::kInvalid;
  const int ret = mbedtls_pk_verify_ext(child.sig_pk, child.sig_opts, key, child.sig_md, hash,
                                        mbedtls_md_get_size(md), child.sig.p, child.sig.len);
  return ret == 0 ? SignatureCheck::kValid : SignatureCheck::kInvalid;
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
