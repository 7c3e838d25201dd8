// Registration files for the cloud, holding only what was verified (`reelcheck export`, and the
// page's downloads). Input: a reel's report and the certificate files it was made from; output:
// named files (bytes), which a front end writes into a folder or offers as one ZIP archive.
//
// What goes in: the chosen slot's certificate of every chip whose status is `ok` (and `extra`
// when asked for), unless it shares a public key, a certificate or a chip ID with another chip
// (or, for Azure DPS, a registration ID, or has a CN that is not one). Everything else is listed
// in `manifest.json` with the reasons. Every format writes that manifest.
//
// Fails closed: a report that contradicts itself (an `ok` chip without a valid certificate for
// the slot, a verdict without its certificate's bytes, bytes that are not the certificate the
// verdict was made for) or a value that could not be written safely is an error, and nothing is
// exported.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "reelcheck/certificate.hpp"
#include "reelcheck/report.hpp"
#include "reelcheck/result.hpp"

namespace reelcheck {

inline constexpr int kExportManifestSchemaVersion = 1;

enum class ExportFormat {
  kAwsBulk,    // AWS IoT StartThingRegistrationTask: JSON-lines parameters + template
  kAwsCli,     // a re-runnable script of `aws iot register-certificate-without-ca` calls
  kAzureDps,   // Azure IoT Hub DPS bulk enrollment bodies (at most 10 each) + enrollment group
  kThingpress, // a manifest for Thingpress's Espressif provider (Thing name = chip ID)
};
inline constexpr ExportFormat kAllExportFormats[] = {ExportFormat::kAwsBulk, ExportFormat::kAwsCli,
                                                     ExportFormat::kAzureDps,
                                                     ExportFormat::kThingpress};
constexpr std::string_view export_format_name(ExportFormat format) {
  switch (format) {
  case ExportFormat::kAwsBulk: return "aws-bulk";
  case ExportFormat::kAwsCli: return "aws-cli";
  case ExportFormat::kAzureDps: return "azure-dps";
  case ExportFormat::kThingpress: return "thingpress";
  }
  return {};
}
std::optional<ExportFormat> parse_export_format(std::string_view name);

struct ExportOptions {
  ExportFormat format = ExportFormat::kAwsBulk;
  Slot slot = Slot::kE0E0;
  bool include_extra = false; // also chips with certificates but no secrets (scrapped in test)
};

// One file of an export. Names are relative, '/'-separated, ASCII, and never leave the export
// (no "..", no leading '/').
struct ExportedFile {
  std::string name;
  std::string bytes;
  bool executable = false; // a shell script: front ends make it executable
};

// Why a chip (or a certificate without a chip) was left out, beside the chip's own reasons.
enum class ExportExclusion {
  kNotOk,                 // the chip failed verification (its reasons follow)
  kExtraNotIncluded,      // certificates without secrets, and --include-extra was not given
  kNoCertificateForSlot,  // an extra chip without a certificate for the chosen slot
  kSharedPublicKey,       // the certificate's public key also belongs to another chip
  kSharedCertificate,     // the same certificate appears for another chip
  kSharedChipId,          // the chip ID appears twice in the bundle
  kSharedRegistrationId,  // Azure DPS: another exported chip has the same registration ID (CN)
  kRegistrationIdInvalid, // Azure DPS: the certificate's CN is not a valid registration ID
  kUnassignedCertificate, // a certificate whose file name carries no chip, or a second one
};
constexpr std::string_view export_exclusion_name(ExportExclusion reason) {
  switch (reason) {
  case ExportExclusion::kNotOk: return "not_ok";
  case ExportExclusion::kExtraNotIncluded: return "extra_not_included";
  case ExportExclusion::kNoCertificateForSlot: return "no_certificate_for_slot";
  case ExportExclusion::kSharedPublicKey: return "shared_public_key";
  case ExportExclusion::kSharedCertificate: return "shared_certificate";
  case ExportExclusion::kSharedChipId: return "shared_chip_id";
  case ExportExclusion::kSharedRegistrationId: return "shared_registration_id";
  case ExportExclusion::kRegistrationIdInvalid: return "registration_id_invalid";
  case ExportExclusion::kUnassignedCertificate: return "unassigned_certificate";
  }
  return {};
}

struct Export {
  std::vector<ExportedFile> files; // in a fixed order; manifest.json last
  std::size_t exported = 0;        // chips whose certificate went into the files
  std::size_t left_out = 0;        // chips (and unassigned certificates) listed as left out
  // Chips that verified but were held back by the export's own rules (a shared key, chip ID or
  // registration ID, a CN DPS cannot take): the hand-off is incomplete (the CLI exits 1).
  std::size_t withheld = 0;
};

// The registration files of one reel. `certificates` are the bundle's certificate files the
// report was made from (VerificationSession::bundle().certificates): each exported verdict's
// bytes are looked up by archive and file name, and must hash to the verdict's fingerprint.
// Deterministic: the same report, certificates and options give the same bytes.
Result<Export> export_registration(const Report& report,
                                   std::span<const CertificateFile> certificates,
                                   const ExportOptions& options);

// Files as one ZIP archive: stored (uncompressed) entries with CRC-32, Unix modes (scripts
// 0755, the rest 0644) and `modified` as every entry's time (1980 at the earliest, the format's
// floor). No ZIP64: more than 65,535 files or 4 GiB is an error (kLimitExceeded).
Result<std::vector<std::uint8_t>> write_zip(std::span<const ExportedFile> files,
                                            CheckTime modified);

// export_registration, then write_zip with the report's check time: one download for the page.
Result<std::vector<std::uint8_t>> export_to_zip(const Report& report,
                                                std::span<const CertificateFile> certificates,
                                                const ExportOptions& options);

} // namespace reelcheck
