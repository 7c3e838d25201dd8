// The report: per chip (ok / failed with every reason / extra), per archive, per bundle.
// JSON (schema in docs/report.md) and CSV renderings are deterministic: the same bundle and
// check time give byte-identical output on every platform.
#pragma once

#include <array>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "reelcheck/bundle.hpp"
#include "reelcheck/certificate.hpp"
#include "reelcheck/trust.hpp"

namespace reelcheck {

inline constexpr int kReportSchemaVersion = 1;

enum class ChipStatus { kOk, kFailed, kExtra };
constexpr std::string_view chip_status_name(ChipStatus s) {
  switch (s) {
  case ChipStatus::kOk: return "ok";
  case ChipStatus::kFailed: return "failed";
  case ChipStatus::kExtra: return "extra";
  }
  return "failed";
}
// What a person reads for a status (the page's table and detail panel).
constexpr std::string_view chip_status_words(ChipStatus s) {
  switch (s) {
  case ChipStatus::kOk: return "OK";
  case ChipStatus::kFailed: return "Failed";
  case ChipStatus::kExtra: return "Extra (certificates, no secrets)";
  }
  return "Failed";
}
// The same, short enough for a column of the page's chip table (the words go in its tooltip).
constexpr std::string_view chip_status_label(ChipStatus s) {
  switch (s) {
  case ChipStatus::kOk: return "OK";
  case ChipStatus::kFailed: return "Failed";
  case ChipStatus::kExtra: return "Extra";
  }
  return "Failed";
}
constexpr std::optional<ChipStatus> parse_chip_status(std::string_view name) {
  for (ChipStatus s : {ChipStatus::kOk, ChipStatus::kFailed, ChipStatus::kExtra})
    if (name == chip_status_name(s)) return s;
  return std::nullopt;
}

struct SecretInfo {
  bool present = false;
  std::size_t size = 0;
  std::string fingerprint; // first 16 hex digits of SHA-256: comparable, not reversible
  SecureBytes value;       // filled only when secrets were requested
};

struct ChipRecord {
  std::string chip_id;
  std::string batch;
  std::uint16_t wafer_x = 0, wafer_y = 0;
  ChipStatus status = ChipStatus::kOk;
  std::vector<Problem> reasons;                                  // every reason the chip failed
  std::array<std::optional<CertificateVerdict>, 3> certificates; // by slot
  SecretInfo pbs, auth;
};

struct ReportCounts {
  std::size_t chips = 0, ok = 0, failed = 0, extra = 0, certificates = 0, certificates_ok = 0;
};

struct Report {
  std::string check_time;
  std::vector<std::string> inputs;
  std::string reel_id, batch_id;
  std::vector<InnerArchiveInfo> archives;
  std::vector<InnerArchiveKind> missing_archives;
  std::vector<TrustAnchor> trust_anchors;
  std::vector<ChipRecord> chips;              // sorted by chip ID
  std::vector<CertificateVerdict> unassigned; // certificates whose name carries no chip ID
  std::vector<Finding> findings;
  ReportCounts counts;
  // false: certificates only (--certs-only): the keys archive was not opened, no chip has
  // secrets, and a chip is ok when its three certificates are valid.
  bool secrets_checked = true;
  bool secrets_included = false;

  bool all_ok() const; // no failed chip and no error finding
  const ChipRecord* find_chip(std::string_view chip_id) const;
};

struct ReportOptions {
  CheckTime check_time = 0;
  bool include_secrets = false;
  // How the inputs were handed over (ReelInputs::findings: duplicate_input, stray_archive), for
  // the report of the reel they were sorted into: listed after the bundle's own findings.
  std::vector<Finding> input_findings = {};
};

// Gathers the per-certificate verdicts (any order, e.g. from several threads) into the report
// and adds the cross-chip checks (shared public keys, secrets without certificates, ...).
// Fails closed: a certificate of the bundle without a verdict, or a verdict for no certificate
// of the bundle, is an error finding (`verdict_missing`, `verdict_unexpected`), so such a
// report never reads as OK.
Report build_report(const Bundle& bundle, std::vector<CertificateVerdict> verdicts,
                    const TrustStore& trust, const ReportOptions& options);

// Puts the chips' secret values (PBS and authorization reference) from the bundle's key files
// into a report of that bundle built without them: the report build_report makes with
// include_secrets. The page keeps the report without them and adds them to a copy for an export
// the user asked them in.
void add_secret_values(Report& report, const Bundle& bundle);

// When every certificate fails only because its issuer is not trusted, and the issuers are the
// same one or two CAs, almost always a test PKI (or a new CA) whose certificates were not added
// as trust anchors: those issuers, sorted. Empty otherwise. The CLI and the page both hint at it.
std::vector<std::string> untrusted_issuers(const Report& report);
// The hint in words, the one sentence both front ends show ("every certificate fails because
// its issuer is not a trusted CA ('A' and 'B'). Is this a test PKI?"); each adds how to add
// anchors with its own controls. "" when untrusted_issuers() is empty.
std::string untrusted_issuer_hint(const Report& report);

// The code table (reelcheck/codes.hpp) and the words for statuses and severities, as JSON for
// the page (wasm codeTable()), so that it shows the core's words instead of its own copy:
// {"findings": [{"code", "severities": [...], "words", "problem"}], "errors": [{"code",
// "title", "text"}], "statuses": [{"status", "words"}], "severities": [{"severity", "words"}],
// "archives": [{"kind", "file", "words"}]}.
std::string code_table_json();

// The writers return SecureString: with secrets included, the text holds them in hex, and every
// buffer it passes through is wiped when released.
SecureString report_to_json(const Report& report);
SecureString report_to_csv(const Report& report);
// One chip as JSON (the same object as in the full report).
SecureString chip_to_json(const ChipRecord& chip, bool include_secrets);
// The same object on one line, without a line break (for JSON-lines streams).
SecureString chip_to_json_line(const ChipRecord& chip, bool include_secrets);

// The check at every hand-off: `returned[i]` must be the verdict for `sent[i]` (same archive,
// file and slot) and there must be exactly one per certificate. Returns what is wrong, if anything.
std::optional<Error> check_verdicts_answer(std::span<const CertificateFile> sent,
                                           std::span<const CertificateVerdict> returned);

} // namespace reelcheck
