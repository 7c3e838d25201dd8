#include "export/export_plan.hpp"

#include <mbedtls/oid.h>
#include <mbedtls/x509_crt.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <unordered_map>

#include "pki/pem_decoder.hpp"
#include "reelcheck/project_version.hpp"
#include "util/hex.hpp"
#include "crypto/sha256.hpp"

namespace reelcheck::detail {
namespace {

constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

Error inconsistent(std::string message) {
  return make_error(ErrorCode::kBadInput, "cannot export: " + std::move(message));
}

std::string exclusion_message(ExportExclusion reason) {
  switch (reason) {
  case ExportExclusion::kNotOk: return "the chip failed verification";
  case ExportExclusion::kExtraNotIncluded:
    return "certificates without secrets (a chip scrapped in test): extra chips are exported "
           "only when asked for (--include-extra)";
  case ExportExclusion::kNoCertificateForSlot: return "the chip has no certificate for this slot";
  case ExportExclusion::kSharedPublicKey:
    return "the certificate's public key also belongs to another chip or certificate";
  case ExportExclusion::kSharedCertificate: return "the same certificate appears for another chip";
  case ExportExclusion::kSharedChipId: return "another certificate file names this chip too";
  case ExportExclusion::kSharedRegistrationId:
    return "another exported chip's certificate has the same CN (DPS registration ID)";
  case ExportExclusion::kRegistrationIdInvalid:
    return "the certificate's CN is not a valid DPS registration ID (lowercase letters, digits, "
           "'-', '.', '_', ':'; at most 128 characters)";
  case ExportExclusion::kUnassignedCertificate:
    return "a certificate that belongs to no chip (its file name carries no chip ID, or its "
           "chip already has one for this slot)";
  }
  return {};
}

LeftOutReason reason_of(ExportExclusion reason, std::string detail = {}) {
  std::string message = exclusion_message(reason);
  if (!detail.empty()) message += ": " + detail;
  return {std::string(export_exclusion_name(reason)), std::move(message)};
}

std::string cert_key(std::string_view archive, std::string_view file) {
  std::string key(archive);
  key += '\0';
  key += file;
  return key;
}

// The DER of a certificate file as the bundle holds it: one PEM block, or DER itself. Unusual
// PEM (headers, several blocks) goes through mbedTLS, which verified it the same way.
std::optional<std::vector<std::uint8_t>> certificate_der(ByteView data) {
  if (auto der = decode_single_pem_certificate(data)) return der;
  if (!data.empty() && data.front() == 0x30)
    return std::vector<std::uint8_t>(data.begin(), data.end());
  mbedtls_x509_crt crt;
  mbedtls_x509_crt_init(&crt);
  std::vector<std::uint8_t> text(data.begin(), data.end());
  text.push_back(0); // mbedTLS wants PEM NUL-terminated
  std::optional<std::vector<std::uint8_t>> out;
  if (mbedtls_x509_crt_parse(&crt, text.data(), text.size()) == 0 && crt.next == nullptr)
    out.emplace(crt.raw.p, crt.raw.p + crt.raw.len);
  mbedtls_x509_crt_free(&crt);
  return out;
}

// The subject's common name when it has exactly one, else "".
std::string subject_common_name(std::span<const std::uint8_t> der) {
  mbedtls_x509_crt crt;
  mbedtls_x509_crt_init(&crt);
  std::string cn;
  if (mbedtls_x509_crt_parse_der(&crt, der.data(), der.size()) == 0) {
    int count = 0;
    for (const mbedtls_x509_name* n = &crt.subject; n != nullptr; n = n->next) {
      if (n->oid.p != nullptr && MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &n->oid) == 0) {
        ++count;
        cn.assign(reinterpret_cast<const char*>(n->val.p), n->val.len);
      }
    }
    if (count != 1) cn.clear();
  }
  mbedtls_x509_crt_free(&crt);
  return cn;
}

std::string lower_hex_sha256(std::span<const std::uint8_t> data) {
  Sha256 sha;
  sha.update(data);
  return to_hex(sha.finish());
}

} // namespace

std::string_view export_generator() {
  return "reelcheck " REELCHECK_VERSION;
}

bool is_valid_dps_registration_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
           c == ':';
  });
}

bool is_plain_token(std::string_view s) {
  if (s.empty() || s.size() > 128) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == ':';
  });
}

std::string pem_from_der(std::span<const std::uint8_t> der) {
  std::string b64;
  b64.reserve((der.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= der.size(); i += 3) {
    const std::uint32_t v =
        (std::uint32_t{der[i]} << 16) | (std::uint32_t{der[i + 1]} << 8) | der[i + 2];
    for (int shift = 18; shift >= 0; shift -= 6)
      b64 += kBase64Alphabet[(v >> shift) & 63];
  }
  if (const std::size_t rest = der.size() - i; rest > 0) {
    std::uint32_t v = std::uint32_t{der[i]} << 16;
    if (rest == 2) v |= std::uint32_t{der[i + 1]} << 8;
    b64 += kBase64Alphabet[(v >> 18) & 63];
    b64 += kBase64Alphabet[(v >> 12) & 63];
    b64 += rest == 2 ? kBase64Alphabet[(v >> 6) & 63] : '=';
    b64 += '=';
  }
  std::string pem = "-----BEGIN CERTIFICATE-----\n";
  for (std::size_t at = 0; at < b64.size(); at += 64)
    pem.append(b64, at, 64).append("\n");
  return pem + "-----END CERTIFICATE-----\n";
}

Result<ExportPlan> plan_export(const Report& report, std::span<const CertificateFile> certificates,
                               const ExportOptions& options) {
  ExportPlan plan;
  plan.report = &report;
  plan.options = options;

  // Every field a registration file names must be there and plain.
  if (!is_plain_token(report.reel_id))
    return inconsistent("the report's reel ID '" + report.reel_id +
                        "' is missing or has characters other than letters, digits, '-', '.', "
                        "'_', ':'");
  if (!is_plain_token(report.batch_id))
    return inconsistent("the report's batch ID '" + report.batch_id +
                        "' is missing or has characters other than letters, digits, '-', '.', "
                        "'_', ':'");
  if (!parse_check_time(report.check_time))
    return inconsistent("the report has no valid check time");
  // A certificate that was never verified (or a verdict for none) means the report is not a
  // complete verification: nothing of it is handed on.
  for (const auto& f : report.findings)
    if (f.code == FindingCode::kVerdictMissing || f.code == FindingCode::kVerdictUnexpected)
      return inconsistent("the verification is incomplete (" +
                          std::string(finding_code_name(f.code)) + " " + f.file + ")");

  // The bundle's bytes by archive and entry name; a name held twice cannot say which was verified.
  std::unordered_map<std::string, const CertificateFile*> bytes_of;
  std::set<std::string> ambiguous;
  for (const auto& file : certificates)
    if (!bytes_of.emplace(cert_key(file.archive, file.name), &file).second)
      ambiguous.insert(cert_key(file.archive, file.name));

  // Who holds each public key, certificate and chip ID, over every certificate of the report.
  std::map<std::string, std::set<std::string>> key_owners, cert_owners;
  std::map<std::string, std::size_t> chip_mentions;
  auto note = [&](const CertificateVerdict& v, const std::string& owner) {
    if (!v.public_key_sha256.empty()) key_owners[v.public_key_sha256].insert(owner);
    if (!v.fingerprint_sha256.empty()) cert_owners[v.fingerprint_sha256].insert(owner);
  };
  for (const auto& chip : report.chips) {
    ++chip_mentions[chip.chip_id];
    for (const auto& cert : chip.certificates)
      if (cert) note(*cert, chip.chip_id);
  }
  for (const auto& v : report.unassigned) {
    note(v, v.chip_id.empty() ? "unassigned:" + v.archive + "/" + v.file : v.chip_id);
    if (!v.chip_id.empty()) ++chip_mentions[v.chip_id];
  }

  const std::size_t slot = static_cast<std::size_t>(options.slot);
  const std::string slot_text(slot_name(options.slot));
  const bool need_cn =
      options.format == ExportFormat::kAzureDps || options.format == ExportFormat::kThingpress;

  for (const auto& chip : report.chips) {
    const auto& cert = chip.certificates[slot];
    LeftOut out{chip.chip_id,
                std::string(chip_status_name(chip.status)),
                cert ? cert->archive + "/" + cert->file : std::string(),
                {}};
    if (chip.status == ChipStatus::kFailed) {
      out.reasons.push_back(reason_of(ExportExclusion::kNotOk));
      for (const auto& p : chip.reasons)
        out.reasons.push_back({std::string(problem_code_name(p.code)), p.message});
    } else if (chip.status == ChipStatus::kExtra && !options.include_extra) {
      out.reasons.push_back(reason_of(ExportExclusion::kExtraNotIncluded));
    } else if (!cert) {
      // An ok chip has all three certificates; an extra one may lack a slot.
      if (chip.status == ChipStatus::kOk)
        return inconsistent("chip " + chip.chip_id + " is ok but has no " + slot_text +
                            " certificate");
      out.reasons.push_back(reason_of(ExportExclusion::kNoCertificateForSlot, slot_text));
    } else if (!cert->ok()) {
      return inconsistent("chip " + chip.chip_id + " is " + out.status + " but its " + slot_text +
                          " certificate failed verification");
    } else {
      if (chip_mentions[chip.chip_id] > 1)
        out.reasons.push_back(reason_of(ExportExclusion::kSharedChipId));
      if (key_owners[cert->public_key_sha256].size() > 1)
        out.reasons.push_back(reason_of(ExportExclusion::kSharedPublicKey));
      if (cert_owners[cert->fingerprint_sha256].size() > 1)
        out.reasons.push_back(reason_of(ExportExclusion::kSharedCertificate));
    }
    if (!out.reasons.empty()) {
      plan.left_out.push_back(std::move(out));
      continue;
    }

    // The bytes handed on must be the bytes that were verified.
    const std::string key = cert_key(cert->archive, cert->file);
    const auto found = bytes_of.find(key);
    if (found == bytes_of.end())
      return inconsistent("the bytes of " + out.file + " are not among the bundle's certificates");
    if (ambiguous.count(key)) return inconsistent(out.file + " appears twice in the bundle");
    const auto der = certificate_der(found->second->data);
    if (!der) return inconsistent(out.file + " does not hold exactly one certificate");
    ExportItem item;
    item.chip = &chip;
    item.verdict = &*cert;
    item.certificate_id = lower_hex_sha256(*der);
    if (item.certificate_id != cert->fingerprint_sha256)
      return inconsistent("the bytes of " + out.file +
                          " are not the certificate that was verified "
                          "(SHA-256 " +
                          item.certificate_id + ", verdict " + cert->fingerprint_sha256 + ")");
    if (!is_plain_token(chip.chip_id) || !is_plain_token(chip.batch))
      return inconsistent("chip ID '" + chip.chip_id + "' cannot be written safely");
    item.pem = pem_from_der(*der);
    if (need_cn) item.common_name = subject_common_name(*der);
    plan.items.push_back(std::move(item));
  }

  // Azure DPS: the registration ID is the CN, which must fit DPS's rules and be unique.
  if (options.format == ExportFormat::kAzureDps) {
    std::map<std::string, std::size_t> cn_count;
    for (const auto& item : plan.items)
      ++cn_count[item.common_name];
    std::vector<ExportItem> kept;
    for (auto& item : plan.items) {
      std::vector<LeftOutReason> reasons;
      if (!is_valid_dps_registration_id(item.common_name))
        reasons.push_back(reason_of(ExportExclusion::kRegistrationIdInvalid,
                                    item.common_name.empty() ? "the subject has no single CN"
                                                             : "CN '" + item.common_name + "'"));
      else if (cn_count[item.common_name] > 1)
        reasons.push_back(
            reason_of(ExportExclusion::kSharedRegistrationId, "CN '" + item.common_name + "'"));
      if (reasons.empty()) {
        kept.push_back(std::move(item));
        continue;
      }
      plan.left_out.push_back(
          LeftOut{item.chip->chip_id, std::string(chip_status_name(item.chip->status)),
                  item.verdict->archive + "/" + item.verdict->file, std::move(reasons)});
    }
    plan.items = std::move(kept);
    std::stable_sort(plan.left_out.begin(), plan.left_out.end(),
                     [](const LeftOut& a, const LeftOut& b) { return a.chip_id < b.chip_id; });
  }

  for (const auto& v : report.unassigned) {
    if (v.slot != options.slot) continue;
    plan.left_out.push_back(LeftOut{v.chip_id,
                                    "unassigned",
                                    v.archive + "/" + v.file,
                                    {reason_of(ExportExclusion::kUnassignedCertificate)}});
  }

  // The anchors that issued what goes out (for the CA registration and the enrollment group).
  std::vector<bool> used(report.trust_anchors.size(), false);
  for (const auto& item : plan.items) {
    bool found = false;
    for (std::size_t i = 0; i < report.trust_anchors.size(); ++i)
      if (report.trust_anchors[i].subject == item.verdict->issuer) used[i] = found = true;
    if (!found)
      return inconsistent("the issuer of chip " + item.chip->chip_id + "'s " + slot_text +
                          " certificate (" + item.verdict->issuer +
                          ") is not among the report's trust anchors");
  }
  for (std::size_t i = 0; i < used.size(); ++i)
    if (used[i]) plan.issuers.push_back(&report.trust_anchors[i]);
  return plan;
}

std::vector<IssuerFile> issuer_files(const ExportPlan& plan) {
  std::vector<IssuerFile> files;
  std::set<std::string> taken;
  for (const TrustAnchor* anchor : plan.issuers) {
    // A readable, safe file name from the anchor's CN (or its fingerprint).
    std::string name;
    const auto cn = anchor->subject.rfind("CN=");
    const std::string cn_text =
        cn == std::string::npos ? std::string() : anchor->subject.substr(cn + 3);
    for (char c : cn_text) {
      const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (plain)
        name += c;
      else if (!name.empty() && name.back() != '_')
        name += '_';
    }
    while (!name.empty() && name.back() == '_')
      name.pop_back();
    if (name.empty()) name = anchor->fingerprint_sha256.substr(0, 16);
    if (!taken.insert(name).second) name += "_" + anchor->fingerprint_sha256.substr(0, 8);
    taken.insert(name);
    files.push_back(IssuerFile{anchor, "ca/" + name + ".pem", pem_from_der(anchor->der)});
  }
  return files;
}

} // namespace reelcheck::detail
