// Many reels, verified anywhere (one `reelcheck verify --json` per reel, on as many machines as
// the scheduler likes), combined into one fleet summary. Across reels nothing may repeat: a
// chip ID, a certificate's public key or a secret (by its fingerprint) that appears in two
// reels is a finding of the fleet that no single reel's report can show.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reelcheck/report.hpp"
#include "reelcheck/result.hpp"

namespace reelcheck {

// What the fleet merge and the reconciliation (reelcheck/reconcile.hpp) read from one report
// (schema reelcheck-report, docs/report.md): the reel, its counts, and per chip its status,
// certificate and public key digests and secret fingerprints. Read strictly: a report that
// lacks any of it is an error, never an empty or smaller reel, and so is one that disagrees with
// itself: each chip listed once, sorted by chip ID; counts.chips, ok, failed and extra those of
// the chips listed; certificates no fewer than the chips hold and certificates_ok no more; an
// "ok" verdict without failed chips, certificates that are not ok, or error findings.
struct ReportDigestChip {
  std::string chip_id;
  ChipStatus status = ChipStatus::kFailed;
  std::array<bool, 3> has_certificate{}; // by slot
  // By slot: the SHA-256 of the DER (fingerprint_sha256, lower-case hex; "" when the slot is
  // empty or its certificate did not parse) and of the SubjectPublicKeyInfo.
  std::array<std::string, 3> certificate_sha256, public_key_sha256;
  std::string pbs_fingerprint, auth_fingerprint; // "" when absent
};

struct ReportDigest {
  std::string reel_id, batch_id, check_time;
  bool ok = false; // the report's own verdict
  ReportCounts counts;
  std::size_t error_findings = 0;
  std::vector<ReportDigestChip> chips; // in the report's order (sorted by chip ID)
};

Result<ReportDigest> read_report_digest(std::string_view json_text);

struct FleetReel {
  std::string source; // the report file's name as given
  std::string reel_id, batch_id, check_time;
  bool ok = false; // the report's own verdict
  ReportCounts counts;
  std::size_t error_findings = 0;
  std::vector<std::string> chip_ids; // to name where duplicates are
};

enum class DuplicateKind { kReel, kChipId, kPublicKey, kSecret };
constexpr std::string_view duplicate_kind_name(DuplicateKind kind) {
  switch (kind) {
  case DuplicateKind::kReel: return "reel";
  case DuplicateKind::kChipId: return "chip_id";
  case DuplicateKind::kPublicKey: return "public_key";
  case DuplicateKind::kSecret: return "secret";
  }
  return "chip_id";
}

struct DuplicateOccurrence {
  std::size_t reel = 0; // index into FleetSummary::reels
  std::string chip_id;  // "" for a whole reel
  std::string where;    // "E0E1 certificate", "PBS", "authorization reference", ""
};

struct CrossReelDuplicate {
  DuplicateKind kind = DuplicateKind::kChipId;
  std::string value; // chip ID, public key SHA-256 (hex), secret fingerprint, or reel/batch
  std::vector<DuplicateOccurrence> occurrences; // in at least two different reels
};

struct FleetTotals {
  std::size_t reels = 0, reels_ok = 0, reels_failed = 0;
  std::size_t chips = 0, ok = 0, failed = 0, extra = 0, certificates = 0, certificates_ok = 0;
};

struct FleetSummary {
  std::vector<FleetReel> reels;               // in the order they were added
  std::vector<CrossReelDuplicate> duplicates; // by kind, then value
  FleetTotals totals;
  bool all_ok() const { return totals.reels_failed == 0 && duplicates.empty(); }
};

// Reads reports one at a time (a report is never held longer than its reading) and keeps only
// what cross-reel checks need: a compact key per chip ID, public key and secret fingerprint.
class FleetMerger {
public:
  FleetMerger();
  ~FleetMerger();
  FleetMerger(FleetMerger&&) noexcept;
  FleetMerger& operator=(FleetMerger&&) noexcept;

  // The text of one report (schema reelcheck-report, docs/report.md). An error names what is
  // wrong; the report is then not counted.
  std::optional<Error> add_report(std::string_view source, std::string_view json_text);
  FleetSummary summary() const;

private:
  struct State; // the reels read so far and the compact keys seen (fleet_report.cpp)
  std::unique_ptr<State> state_;
};

std::string fleet_to_json(const FleetSummary& fleet);
// One row per reel, with the number of cross-reel duplicates that involve it.
std::string fleet_to_csv(const FleetSummary& fleet);

} // namespace reelcheck
