// After the line: what the provisioning line saw, against what the reel's bundle holds.
//   - chips of the bundle the line never provisioned (scrapped in test, left on the reel, lost):
//     their certificates should not stay ACTIVE in the cloud, where anyone holding such a
//     chip could connect as a device that was never built; deactivate them;
//   - chips the line provisioned that are not in the bundle: a chip from another reel, or a
//     counterfeit. That is an alarm, not a statistic.
// Input is the reel's `reelcheck verify --json` report (read by read_report_digest, the same
// strict reader the fleet merge uses) and the station's list of chip IDs or UIDs. Output is
// text for files; the CLI (`reelcheck reconcile`) writes them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reelcheck/fleet.hpp"

namespace reelcheck {

struct SeenChip {
  std::size_t line = 0; // 1-based line in the seen list
  std::string text;     // as given (trimmed, at most 200 characters)
  std::string chip_id;  // normalised
};

struct SeenMalformedLine {
  std::size_t line = 0;
  std::string text;    // as given (trimmed, at most 200 characters)
  std::string message; // for a person
};

struct SeenList {
  std::vector<SeenChip> chips;              // in the order seen, repeats included
  std::vector<SeenMalformedLine> malformed; // every line that is neither, never skipped silently
};

// One chip ID (20 hex digits) or coprocessor UID (54 hex digits, from 0xE0C2) a line, with
// the spellings `lookup` takes (spaces, colons, 0x). Blank lines and lines starting with '#'
// are skipped; every other line is a chip or a malformed line.
SeenList parse_seen_list(std::string_view text);

struct UnusedChip {
  std::string chip_id;
  ChipStatus status = ChipStatus::kOk;
  // By slot: the AWS IoT certificate ID (the SHA-256 of the DER, lower-case hex), "" when the
  // slot is empty or its certificate did not parse.
  std::array<std::string, 3> certificate_ids;
};

struct ForeignChip {
  std::string chip_id;
  std::size_t first_line = 0; // where the seen list first names it
  std::string text;           // that line as given
  std::size_t times = 0;      // how often the list names it
};

struct SeenNotOk {
  std::string chip_id;
  ChipStatus status = ChipStatus::kFailed; // failed, or extra (no secrets in the bundle)
};

struct ReconcileCounts {
  std::size_t bundle_chips = 0, seen_lines = 0, seen_chips = 0, seen_in_bundle = 0,
              seen_repeated = 0, unused = 0, foreign = 0, malformed_lines = 0,
              certificates_to_deactivate = 0;
};

struct Reconciliation {
  std::string report; // the report's name as given
  std::string reel_id, batch_id, check_time;
  bool report_ok = false;
  std::optional<Slot> slot;         // only this slot's certificates are deactivated; nullopt: all
  std::vector<UnusedChip> unused;   // sorted by chip ID
  std::vector<ForeignChip> foreign; // sorted by chip ID
  std::vector<SeenMalformedLine> malformed;
  std::vector<SeenNotOk> seen_not_ok; // sorted by chip ID
  ReconcileCounts counts;

  bool foreign_alarm() const { return !foreign.empty(); }
  // Malformed lines might be chips the line did provision, and a list that names no chip at
  // all is more likely the wrong file than a reel nobody used: either way "never seen" is not
  // known, and no deactivation list may be written from it.
  bool never_seen_known() const { return malformed.empty() && counts.seen_lines > 0; }
};

Reconciliation reconcile(std::string_view report_name, const ReportDigest& report,
                         const SeenList& seen, std::optional<Slot> slot);

// The files, as text. deactivate.sh: one `aws iot update-certificate --certificate-id <id>
// --new-status INACTIVE` per certificate of an unused chip (every slot, or `slot`), with a
// comment per chip; unused.csv: chip_id,status,E0E0_certificate_id,E0E1_certificate_id,
// E0E2_certificate_id; foreign.csv: chip_id,first_line,seen,times; summary.json
// (docs/report.md).
std::string reconcile_deactivate_script(const Reconciliation& r);
std::string reconcile_unused_csv(const Reconciliation& r);
std::string reconcile_foreign_csv(const Reconciliation& r);
std::string reconcile_summary_json(const Reconciliation& r);

} // namespace reelcheck
