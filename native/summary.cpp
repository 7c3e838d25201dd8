#include "summary.hpp"

#include "reelcheck/chip_id.hpp"

namespace reelcheck::cli {
namespace {

constexpr std::size_t kMaxListed = 25; // the JSON report has the rest

std::string secret_line(const char* label, const SecretInfo& s, bool include_secrets,
                        const std::string& value_hex) {
  std::string out = std::string("  ") + label + ": ";
  if (!s.present) return out + "missing\n";
  out += "present (" + std::to_string(s.size) + " bytes, fingerprint " + s.fingerprint + ")";
  if (include_secrets) out += "\n    " + value_hex;
  return out + "\n";
}

std::string hex_upper(const SecureBytes& b) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  for (auto c : b) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

} // namespace

std::string render_verdict(const CertificateVerdict& v) {
  std::string out =
      "    file:        " + v.archive + (v.archive.empty() ? "" : "/") + v.file + "\n";
  if (v.parsed) {
    out += "    subject:     " + v.subject + "\n";
    out += "    issuer:      " + v.issuer + "\n";
    out += "    serial:      " + v.serial + "\n";
    out += "    valid:       " + v.not_before + " .. " + v.not_after + "\n";
    out += "    key:         " + v.key_type + "\n";
    out += "    sha256:      " + v.fingerprint_sha256 + "\n";
    std::string chain;
    for (const auto& c : v.chain)
      chain += " -> " + c;
    out += "    chain:       (this)" + chain + "\n";
  }
  out += std::string("    verdict:     ") + (v.ok() ? "ok" : "FAILED") + "\n";
  for (const auto& p : v.problems)
    out += "      - " + p.code + ": " + p.message + "\n";
  return out;
}

std::string render_chip(const ChipRecord& chip, bool include_secrets) {
  std::string out = "Chip " + chip.chip_id + "  (batch " + chip.batch + ", wafer x " +
                    std::to_string(chip.wafer_x) + ", y " + std::to_string(chip.wafer_y) + ")\n";
  out += "  status: " + std::string(chip_status_name(chip.status)) + "\n";
  for (const auto& r : chip.reasons)
    out += "    - " + r.code + ": " + r.message + "\n";
  for (Slot s : kAllSlots) {
    const auto& cert = chip.certificates[static_cast<std::size_t>(s)];
    out.append("  ").append(slot_name(s)).append(" certificate:");
    out.append(cert ? "\n" : " missing\n");
    if (cert) out.append(render_verdict(*cert));
  }
  out += secret_line("platform binding secret (PBS)", chip.pbs, include_secrets,
                     hex_upper(chip.pbs.value));
  out += secret_line("authorization reference", chip.auth, include_secrets,
                     hex_upper(chip.auth.value));
  return out;
}

std::string render_summary(const Report& r, const std::string& input_name) {
  const auto& c = r.counts;
  std::string out = "Reel " + (r.reel_id.empty() ? std::string("?") : r.reel_id) + "  batch " +
                    (r.batch_id.empty() ? std::string("?") : r.batch_id) + "  (" + input_name +
                    ")\n";
  out += "  archives:     ";
  for (const auto& a : r.archives)
    out += std::string(inner_archive_kind_name(a.kind)) + " (" + std::to_string(a.entries) + ")  ";
  for (auto kind : r.missing_archives)
    out += std::string(inner_archive_kind_name(kind)) + " MISSING  ";
  out += "\n";
  out += "  chips:        " + std::to_string(c.chips) + " total: " + std::to_string(c.ok) +
         " ok, " + std::to_string(c.failed) + " failed, " + std::to_string(c.extra) +
         " extra (certificates without secrets)\n";
  out += "  certificates: " + std::to_string(c.certificates_ok) + " of " +
         std::to_string(c.certificates) + " valid at " + r.check_time + "\n";

  std::size_t listed = 0;
  for (const auto& chip : r.chips) {
    if (chip.status != ChipStatus::kFailed) continue;
    if (listed++ == 0) out += "  failed chips:\n";
    if (listed > kMaxListed) continue;
    out += "    " + chip.chip_id + "\n";
    for (const auto& reason : chip.reasons)
      out += "      - " + reason.code + ": " + reason.message + "\n";
  }
  if (listed > kMaxListed)
    out += "    ... and " + std::to_string(listed - kMaxListed) + " more (see --json)\n";

  std::size_t shown = 0;
  for (const auto& f : r.findings) {
    if (!f.chip_id.empty() && f.severity == Severity::kError && f.line == 0)
      continue; // listed per chip
    if (shown++ == 0) out += "  findings:\n";
    if (shown > kMaxListed) continue;
    out.append("    ").append(severity_name(f.severity)).append(" ").append(f.code);
    if (!f.file.empty()) out.append(" ").append(f.file);
    if (!f.file.empty() && f.line != 0) out.append(":").append(std::to_string(f.line));
    out.append(": ").append(f.message).append("\n");
  }
  if (shown > kMaxListed)
    out += "    ... and " + std::to_string(shown - kMaxListed) + " more (see --json)\n";

  if (c.extra > 0)
    out += "  note: " + std::to_string(c.extra) +
           " chip(s) have certificates but no secrets (scrapped in test); informational.\n";
  out += r.all_ok() ? "  VERDICT: OK - every chip with secrets has genuine, complete certificates\n"
                    : "  VERDICT: FAILED - see the failures above\n";
  return out;
}

} // namespace reelcheck::cli
