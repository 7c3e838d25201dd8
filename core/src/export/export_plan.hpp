// What an export holds, decided once for every format: which certificates go in (with their
// bytes checked against the verdicts), which chips are left out and why, and which trust
// anchors issued what goes in. The format writers (aws_formats.cpp, azure_dps.cpp,
// thingpress.cpp) only spell the plan out. Private to the core.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "reelcheck/export.hpp"

namespace reelcheck::detail {

// One certificate that goes into an export.
struct ExportItem {
  const ChipRecord* chip = nullptr;
  const CertificateVerdict* verdict = nullptr;
  std::string pem;            // canonical PEM of the DER (64-column base64, LF line ends)
  std::string certificate_id; // lowercase hex SHA-256 of the DER: AWS IoT's certificate ID
  std::string common_name;    // the subject's CN ("" when it has none, or several)
};

struct LeftOutReason {
  std::string code; // an ExportExclusion name, or the chip's own reason (a problem code)
  std::string message;
};

struct LeftOut {
  std::string chip_id; // "" for a certificate whose file name carries no chip ID
  std::string status;  // "ok", "failed", "extra", or "unassigned"
  std::string file;    // archive/entry of the slot's certificate, when there is one
  std::vector<LeftOutReason> reasons;
};

struct ExportPlan {
  const Report* report = nullptr;
  ExportOptions options;
  std::vector<ExportItem> items;           // by chip ID
  std::vector<LeftOut> left_out;           // chips by chip ID, then unassigned certificates
  std::vector<const TrustAnchor*> issuers; // the anchors that issued the items, in store order
};

Result<ExportPlan> plan_export(const Report& report, std::span<const CertificateFile> certificates,
                               const ExportOptions& options);

// Azure DPS registration IDs: lowercase alphanumerics and '-', '.', '_', ':', at most 128.
bool is_valid_dps_registration_id(std::string_view id);

// Values that go into scripts and cloud names unquoted-safe: [A-Za-z0-9._:-]+ (reel and batch
// IDs from archive names, chip IDs). Anything else fails the export instead of being escaped.
bool is_plain_token(std::string_view s);

// The format writers. Each returns its files without the manifest.
Result<std::vector<ExportedFile>> aws_bulk_files(const ExportPlan& plan);
Result<std::vector<ExportedFile>> aws_cli_files(const ExportPlan& plan);
Result<std::vector<ExportedFile>> azure_dps_files(const ExportPlan& plan);
Result<std::vector<ExportedFile>> thingpress_files(const ExportPlan& plan);

// manifest.json: what was exported (and into which files), what was left out and why.
std::string export_manifest_json(const ExportPlan& plan, std::span<const ExportedFile> files);

// The CA certificates the items chain to, one PEM file each: "ca/<name>.pem". Shared by the
// formats that register or reference the signing CA.
struct IssuerFile {
  const TrustAnchor* anchor = nullptr;
  std::string file_name; // "ca/....pem"
  std::string pem;
};
std::vector<IssuerFile> issuer_files(const ExportPlan& plan);

std::string pem_from_der(std::span<const std::uint8_t> der);

// "reelcheck <version>", as in the reports.
std::string_view export_generator();

} // namespace reelcheck::detail
