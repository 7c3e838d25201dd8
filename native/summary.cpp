#include "summary.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "reelcheck/chip_id.hpp"
#include "reelcheck/hex.hpp"

namespace reelcheck::cli {
namespace {

constexpr std::size_t kMaxListed = 25;       // findings listed; the JSON report has the rest
constexpr std::size_t kChipsPerCause = 5;    // chips named under each cause
constexpr std::size_t kMessagesPerCause = 3; // distinct explanations shown under each cause

std::string more_line(std::size_t more, const char* indent) {
  return std::string(indent) + "\u2026 and " + std::to_string(more) + " more: see --json\n";
}

// Failed chips grouped by cause: a reel whose only problem is one missing trust anchor reads
// as one cause with a count, not as thousands of repeated lines.
std::string render_failures_by_cause(const Report& r) {
  struct Cause {
    std::size_t chips = 0;
    std::vector<std::string> first_chips;
    std::map<std::string, std::size_t> messages; // explanation -> chips
  };
  std::map<std::string, Cause> causes;
  for (const auto& chip : r.chips) {
    if (chip.status != ChipStatus::kFailed) continue;
    std::set<std::string> counted; // a chip counts once per cause
    for (const auto& reason : chip.reasons) {
      // Keyed by name: causes of equal count are listed alphabetically.
      const std::string code(problem_code_name(reason.code));
      Cause& cause = causes[code];
      ++cause.messages[reason.message];
      if (!counted.insert(code).second) continue;
      if (cause.chips++ < kChipsPerCause) cause.first_chips.push_back(chip.chip_id);
    }
  }
  if (causes.empty()) return {};
  std::vector<std::pair<std::string, const Cause*>> ordered;
  for (const auto& [code, cause] : causes)
    ordered.emplace_back(code, &cause);
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const auto& a, const auto& b) { return a.second->chips > b.second->chips; });
  std::string out = "  failed chips by cause:\n";
  for (const auto& [code, cause] : ordered) {
    out += "    " + code + ": " + std::to_string(cause->chips) +
           (cause->chips == 1 ? " chip\n" : " chips\n");
    std::vector<std::pair<std::size_t, std::string>> messages;
    for (const auto& [message, n] : cause->messages)
      messages.emplace_back(n, message);
    std::stable_sort(messages.begin(), messages.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    for (std::size_t i = 0; i < messages.size() && i < kMessagesPerCause; ++i)
      out += "      - " + messages[i].second +
             (messages.size() > 1 ? " (" + std::to_string(messages[i].first) + ")" : "") + "\n";
    if (messages.size() > kMessagesPerCause)
      out += "      - " + std::to_string(messages.size() - kMessagesPerCause) +
             " other explanations\n";
    std::string chips = "      chips:";
    for (const auto& id : cause->first_chips)
      chips += " " + id;
    out += chips + "\n";
    if (cause->chips > cause->first_chips.size())
      out += more_line(cause->chips - cause->first_chips.size(), "      ");
  }
  return out;
}

// The core's sentence (untrusted_issuer_hint), then how to add anchors on the command line.
std::string trust_hint_line(const Report& r) {
  const std::string hint = untrusted_issuer_hint(r);
  if (hint.empty()) return {};
  return "  hint: " + hint +
         " add --trust CA.pem (the CA certificates with their roots), and "
         "--no-default-trust to trust nothing else\n";
}

void append_secret_line(SecureString& out, const char* label, const SecretInfo& s,
                        bool include_secrets) {
  out.append("  ").append(label).append(": ");
  if (!s.present) {
    out += "missing\n";
    return;
  }
  out += "present (" + std::to_string(s.size) + " bytes, fingerprint " + s.fingerprint + ")";
  if (include_secrets) {
    out += "\n    ";
    append_hex(out, as_bytes(s.value), /*upper=*/true);
  }
  out += '\n';
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
    out += "      - " + std::string(problem_code_name(p.code)) + ": " + p.message + "\n";
  return out;
}

SecureString render_chip(const ChipRecord& chip, bool include_secrets) {
  SecureString out = secure_text(4096);
  out += "Chip " + chip.chip_id + "  (batch " + chip.batch + ", wafer x " +
         std::to_string(chip.wafer_x) + ", y " + std::to_string(chip.wafer_y) + ")\n";
  out += "  status: " + std::string(chip_status_name(chip.status)) + "\n";
  for (const auto& r : chip.reasons)
    out += "    - " + std::string(problem_code_name(r.code)) + ": " + r.message + "\n";
  for (Slot s : kAllSlots) {
    const auto& cert = chip.certificates[static_cast<std::size_t>(s)];
    out.append("  ").append(slot_name(s)).append(" certificate:");
    out.append(cert ? "\n" : " missing\n");
    if (cert) out.append(render_verdict(*cert));
  }
  append_secret_line(out, "platform binding secret (PBS)", chip.pbs, include_secrets);
  append_secret_line(out, "authorization reference", chip.auth, include_secrets);
  return out;
}

std::string render_summary(const Report& r, const std::string& input_name) {
  const auto& c = r.counts;
  std::string out = "Reel " + (r.reel_id.empty() ? std::string("?") : r.reel_id) + "  batch " +
                    (r.batch_id.empty() ? std::string("?") : r.batch_id) + "  (" + input_name +
                    ")\n";
  out += "  archives:     ";
  for (const auto& a : r.archives)
    out += std::string(inner_archive_kind_name(a.kind)) +
           (a.kind == InnerArchiveKind::kKeys && !r.secrets_checked
                ? std::string(" (not opened)  ")
                : " (" + std::to_string(a.entries) + ")  ");
  for (auto kind : r.missing_archives)
    out += std::string(inner_archive_kind_name(kind)) + " MISSING  ";
  out += "\n";
  out += "  chips:        " + std::to_string(c.chips) + " total: " + std::to_string(c.ok) +
         " ok, " + std::to_string(c.failed) + " failed, " + std::to_string(c.extra) +
         " extra (certificates without secrets)\n";
  out += "  certificates: " + std::to_string(c.certificates_ok) + " of " +
         std::to_string(c.certificates) + " valid at " + r.check_time + "\n";
  if (!r.secrets_checked)
    out += "  secrets:      not checked (--certs-only): the keys archive was not opened\n";

  out += render_failures_by_cause(r);
  std::size_t shown = 0;
  for (const auto& f : r.findings) {
    if (!f.chip_id.empty() && f.severity == Severity::kError && f.line == 0)
      continue; // listed per chip
    if (shown++ == 0) out += "  findings:\n";
    if (shown > kMaxListed) continue;
    out.append("    ")
        .append(severity_name(f.severity))
        .append(" ")
        .append(finding_code_name(f.code));
    if (!f.file.empty()) out.append(" ").append(f.file);
    if (!f.file.empty() && f.line != 0) out.append(":").append(std::to_string(f.line));
    out.append(": ").append(f.message).append("\n");
  }
  if (shown > kMaxListed) out += more_line(shown - kMaxListed, "    ");

  if (c.extra > 0)
    out += "  note: " + std::to_string(c.extra) +
           " chip(s) have certificates but no secrets (scrapped in test); informational.\n";
  out += trust_hint_line(r);
  out += !r.all_ok()         ? "  VERDICT: FAILED - see the failures above\n"
         : r.secrets_checked ? "  VERDICT: OK - every chip with secrets has genuine, complete "
                               "certificates\n"
                             : "  VERDICT: OK - every chip's certificates are genuine and complete "
                               "(secrets not checked)\n";
  return out;
}

std::string render_fleet(const FleetSummary& fleet) {
  const FleetTotals& t = fleet.totals;
  std::string out = "Fleet: " + std::to_string(t.reels) + " reels (" + std::to_string(t.reels_ok) +
                    " ok, " + std::to_string(t.reels_failed) + " failed)\n";
  out += "  chips:        " + std::to_string(t.chips) + " total: " + std::to_string(t.ok) +
         " ok, " + std::to_string(t.failed) + " failed, " + std::to_string(t.extra) + " extra\n";
  out += "  certificates: " + std::to_string(t.certificates_ok) + " of " +
         std::to_string(t.certificates) + " valid\n";
  std::size_t listed = 0;
  for (const auto& r : fleet.reels) {
    if (r.ok) continue;
    if (listed++ == 0) out += "  failed reels:\n";
    if (listed > kMaxListed) continue;
    out += "    " + r.reel_id + " / " + r.batch_id + ": " + std::to_string(r.counts.failed) +
           " failed chips, " + std::to_string(r.error_findings) + " error findings (" + r.source +
           ")\n";
  }
  if (listed > kMaxListed) out += more_line(listed - kMaxListed, "    ");
  if (!fleet.duplicates.empty())
    out += "  cross-reel duplicates: " + std::to_string(fleet.duplicates.size()) + "\n";
  for (std::size_t i = 0; i < fleet.duplicates.size() && i < kMaxListed; ++i) {
    const auto& d = fleet.duplicates[i];
    out += "    " + std::string(duplicate_kind_name(d.kind)) + " " + d.value + " in";
    for (std::size_t k = 0; k < d.occurrences.size(); ++k) {
      const auto& o = d.occurrences[k];
      out += std::string(k == 0 ? " " : "; ") + "reel " + fleet.reels[o.reel].reel_id;
      if (!o.chip_id.empty()) out += " chip " + o.chip_id;
      if (!o.where.empty()) out += " (" + o.where + ")";
    }
    out += "\n";
  }
  if (fleet.duplicates.size() > kMaxListed)
    out += more_line(fleet.duplicates.size() - kMaxListed, "    ");
  out += fleet.all_ok() ? "  VERDICT: OK - every reel in order, nothing repeated across reels\n"
                        : "  VERDICT: FAILED - see the reels and duplicates above\n";
  return out;
}

} // namespace reelcheck::cli
