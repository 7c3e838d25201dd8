// A reel's report (`reelcheck verify --json`) as the fleet merge and the reconciliation read it:
// read_report_digest, the strict reader both share. What it accepts must be a report the
// reconciliation can trust (reelcheck/fleet.hpp): every count agrees with the chips listed, the
// chips are sorted by chip ID and each is listed once, in the bundle's spelling, and the digests
// are SHA-256 in lower-case hex. The merge must accept exactly what the reader accepts, and the
// reconciliation of the report with every chip seen (or none) must add up.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "reelcheck/chip_id.hpp"
#include "reelcheck/fleet.hpp"
#include "reelcheck/reconcile.hpp"

namespace {

using namespace reelcheck;

bool lower_hex_digest(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

void check_digest(const ReportDigest& d) {
  const ReportCounts& c = d.counts;
  if (d.chips.size() != c.chips) std::abort();
  std::array<std::size_t, 3> by_status{}; // ok, failed, extra
  std::size_t certificates = 0;
  for (std::size_t i = 0; i < d.chips.size(); ++i) {
    const ReportDigestChip& chip = d.chips[i];
    const auto id = parse_chip_id(chip.chip_id);
    if (!id || id->hex() != chip.chip_id) std::abort();
    if (i > 0 && !(d.chips[i - 1].chip_id < chip.chip_id)) std::abort(); // sorted, each once
    switch (chip.status) {
    case ChipStatus::kOk: ++by_status[0]; break;
    case ChipStatus::kFailed: ++by_status[1]; break;
    case ChipStatus::kExtra: ++by_status[2]; break;
    default: std::abort();
    }
    for (std::size_t s = 0; s < 3; ++s) {
      if (!chip.has_certificate[s]) {
        if (!chip.certificate_sha256[s].empty() || !chip.public_key_sha256[s].empty()) std::abort();
        continue;
      }
      ++certificates;
      if (!chip.certificate_sha256[s].empty() && !lower_hex_digest(chip.certificate_sha256[s]))
        std::abort();
    }
  }
  if (by_status[0] != c.ok || by_status[1] != c.failed || by_status[2] != c.extra) std::abort();
  if (c.certificates_ok > c.certificates || certificates > c.certificates) std::abort();
  // A report that says "ok" has no failed chip, certificate or error finding.
  if (d.ok && (c.failed != 0 || c.certificates_ok != c.certificates || d.error_findings != 0))
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto digest = read_report_digest(text);
  FleetMerger merger;
  const auto merge_error = merger.add_report("fuzz.json", text);
  if (!digest) {
    if (digest.error().message.empty() || !merge_error) std::abort();
    return 0;
  }
  if (merge_error) std::abort();
  check_digest(*digest);
  const FleetSummary fleet = merger.summary();
  if (fleet.totals.reels != 1 || fleet.totals.chips != digest->counts.chips ||
      fleet.reels.at(0).chip_ids.size() != digest->chips.size())
    std::abort();

  // Nothing seen: every chip is unused, in chip ID order. Everything seen: none is.
  const Reconciliation none = reconcile("fuzz.json", *digest, SeenList{}, std::nullopt);
  if (none.unused.size() != digest->chips.size() || !none.foreign.empty()) std::abort();
  for (std::size_t i = 1; i < none.unused.size(); ++i)
    if (!(none.unused[i - 1].chip_id < none.unused[i].chip_id)) std::abort();
  std::string seen_text;
  for (const auto& chip : digest->chips)
    seen_text += chip.chip_id + "\n";
  const Reconciliation all =
      reconcile("fuzz.json", *digest, parse_seen_list(seen_text), std::nullopt);
  if (!all.unused.empty() || !all.foreign.empty() ||
      all.counts.seen_in_bundle != digest->chips.size() || all.counts.seen_repeated != 0)
    std::abort();
  (void)reconcile_summary_json(none);
  (void)reconcile_deactivate_script(none);
  (void)reconcile_unused_csv(none);
  (void)fleet_to_json(fleet);
  (void)fleet_to_csv(fleet);
  return 0;
}
