// The reconciliation of what the line provisioned with the reel's report
// (reelcheck/reconcile.hpp), and its files as text.
#include "reelcheck/reconcile.hpp"

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "reelcheck/chip_id.hpp"
#include "reelcheck/project_version.hpp"
#include "util/csv.hpp"
#include "util/text.hpp"

namespace reelcheck {
namespace {

using ReconcileJson = nlohmann::ordered_json;

constexpr std::size_t kEchoLimit = 200; // a seen line is echoed back at most this long

// Text from the report or the command line goes into the script's comments: a line break in a
// crafted reel ID would end the comment and run whatever follows, so control characters go.
std::string comment_safe(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  return out;
}

std::vector<Slot> slots_to_deactivate(const Reconciliation& r) {
  if (r.slot) return {*r.slot};
  return {std::begin(kAllSlots), std::end(kAllSlots)};
}

} // namespace

SeenList parse_seen_list(std::string_view text) {
  SeenList list;
  std::size_t number = 0;
  while (!text.empty()) {
    const auto end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++number;
    if (number == 1 && line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3); // UTF-8 BOM
    line = detail::trim_ascii_space(line);
    if (line.empty() || line.front() == '#') continue;
    const std::string echoed(line.substr(0, kEchoLimit));
    if (const auto id = parse_chip_lookup(line)) {
      list.chips.push_back(SeenChip{number, echoed, id->hex()});
    } else {
      list.malformed.push_back(SeenMalformedLine{
          number, echoed,
          "line " + std::to_string(number) +
              " is not a chip ID (20 hex digits) or a coprocessor UID (54 hex digits)"});
    }
  }
  return list;
}

Reconciliation reconcile(std::string_view report_name, const ReportDigest& report,
                         const SeenList& seen, std::optional<Slot> slot) {
  Reconciliation r;
  r.report = std::string(report_name);
  r.reel_id = report.reel_id;
  r.batch_id = report.batch_id;
  r.check_time = report.check_time;
  r.report_ok = report.ok;
  r.slot = slot;
  r.malformed = seen.malformed;

  std::map<std::string_view, const ReportDigestChip*> in_bundle;
  for (const auto& c : report.chips)
    in_bundle.emplace(c.chip_id, &c);
  std::map<std::string, std::size_t> times_seen;
  std::map<std::string, ForeignChip> foreign;
  for (const auto& s : seen.chips) {
    if (times_seen[s.chip_id]++ != 0) {
      ++r.counts.seen_repeated;
      if (auto f = foreign.find(s.chip_id); f != foreign.end()) ++f->second.times;
      continue;
    }
    const auto found = in_bundle.find(s.chip_id);
    if (found == in_bundle.end()) {
      foreign.emplace(s.chip_id, ForeignChip{s.chip_id, s.line, s.text, 1});
      continue;
    }
    ++r.counts.seen_in_bundle;
    if (found->second->status != ChipStatus::kOk)
      r.seen_not_ok.push_back(SeenNotOk{s.chip_id, found->second->status});
  }
  for (auto& [id, f] : foreign)
    r.foreign.push_back(std::move(f));
  std::sort(r.seen_not_ok.begin(), r.seen_not_ok.end(),
            [](const auto& a, const auto& b) { return a.chip_id < b.chip_id; });

  for (const auto& c : report.chips) { // the report lists them sorted by chip ID
    if (times_seen.contains(c.chip_id)) continue;
    UnusedChip u{c.chip_id, c.status, c.certificate_sha256};
    for (Slot s : slots_to_deactivate(r))
      if (!u.certificate_ids[static_cast<std::size_t>(s)].empty())
        ++r.counts.certificates_to_deactivate;
    r.unused.push_back(std::move(u));
  }

  r.counts.bundle_chips = report.chips.size();
  r.counts.seen_lines = seen.chips.size();
  r.counts.seen_chips = times_seen.size();
  r.counts.unused = r.unused.size();
  r.counts.foreign = r.foreign.size();
  r.counts.malformed_lines = r.malformed.size();
  return r;
}

std::string reconcile_deactivate_script(const Reconciliation& r) {
  const auto slots = slots_to_deactivate(r);
  std::string out =
      "#!/bin/sh\n# deactivate.sh, written by reelcheck " REELCHECK_VERSION " reconcile\n# reel " +
      comment_safe(r.reel_id) + ", batch " + comment_safe(r.batch_id) + " (report " +
      comment_safe(r.report) + ", checked at " + comment_safe(r.check_time) + ")\n#\n";
  out += "# Sets to INACTIVE in AWS IoT Core the certificates of the " +
         std::to_string(r.unused.size()) +
         " chips of this reel that the line never\n"
         "# provisioned (unused.csv): a certificate left ACTIVE lets whoever holds such a chip\n"
         "# connect as a device that was never built.\n"
         "# AWS IoT's certificate ID is the SHA-256 of the certificate's DER in lower-case hex,\n"
         "# which is the report's fingerprint_sha256: no lookup in the account is needed.\n";
  if (r.slot) {
    out += "# Only the " + std::string(slot_name(*r.slot)) +
           " certificates are listed (reconcile --slot " + std::string(slot_name(*r.slot)) + ").\n";
  } else {
    out += "# Every certificate of each chip is listed (E0E0, E0E1, E0E2): which slot was\n"
           "# registered was the registering tool's choice (reconcile --slot lists one slot).\n";
  }
  out += "# A certificate that was never registered fails with ResourceNotFoundException, which\n"
         "# is harmless: the script goes on, and counts the calls that failed.\n"
         "# Arguments go to every call: sh deactivate.sh --region eu-central-1 --profile prod\n"
         "set -u\nfailed=0\n";
  std::size_t calls = 0;
  for (const auto& u : r.unused) {
    out += "# chip " + u.chip_id + " (" + std::string(chip_status_name(u.status)) + ")\n";
    for (Slot s : slots) {
      const std::string& id = u.certificate_ids[static_cast<std::size_t>(s)];
      if (id.empty()) {
        out += "#   no " + std::string(slot_name(s)) +
               " certificate ID: the bundle has no readable certificate in that slot\n";
        continue;
      }
      out += "aws iot update-certificate --certificate-id " + id +
             " --new-status INACTIVE \"$@\" || failed=$((failed + 1))\n";
      ++calls;
    }
  }
  const std::string total = std::to_string(calls);
  out += "if [ \"$failed\" -ne 0 ]; then\n"
         "  echo \"deactivate.sh: $failed of " +
         total +
         " calls failed (ResourceNotFoundException: never registered)\" >&2\n"
         "  exit 1\n"
         "fi\n"
         "echo \"deactivate.sh: " +
         total + " certificates set to INACTIVE\"\n";
  return out;
}

std::string reconcile_unused_csv(const Reconciliation& r) {
  std::string out = "chip_id,status,E0E0_certificate_id,E0E1_certificate_id,E0E2_certificate_id\n";
  for (const auto& u : r.unused) {
    out += u.chip_id + "," + std::string(chip_status_name(u.status));
    for (const auto& id : u.certificate_ids)
      out += "," + id;
    out += "\n";
  }
  return out;
}

std::string reconcile_foreign_csv(const Reconciliation& r) {
  std::string out = "chip_id,first_line,seen,times\n";
  for (const auto& f : r.foreign)
    out += f.chip_id + "," + std::to_string(f.first_line) + "," + detail::csv_field(f.text) + "," +
           std::to_string(f.times) + "\n";
  return out;
}

std::string reconcile_summary_json(const Reconciliation& r) {
  ReconcileJson unused = ReconcileJson::array();
  for (const auto& u : r.unused)
    unused.push_back(ReconcileJson{{"chip_id", u.chip_id}, {"status", chip_status_name(u.status)}});
  ReconcileJson foreign = ReconcileJson::array();
  for (const auto& f : r.foreign)
    foreign.push_back(ReconcileJson{{"chip_id", f.chip_id},
                                    {"first_line", f.first_line},
                                    {"seen", f.text},
                                    {"times", f.times}});
  ReconcileJson malformed = ReconcileJson::array();
  for (const auto& m : r.malformed)
    malformed.push_back(ReconcileJson{{"line", m.line}, {"text", m.text}, {"message", m.message}});
  ReconcileJson not_ok = ReconcileJson::array();
  for (const auto& n : r.seen_not_ok)
    not_ok.push_back(ReconcileJson{{"chip_id", n.chip_id}, {"status", chip_status_name(n.status)}});
  ReconcileJson files = ReconcileJson::array({"summary.json", "foreign.csv"});
  if (r.never_seen_known()) {
    files.push_back("unused.csv");
    files.push_back("deactivate.sh");
  }
  const ReconcileCounts& c = r.counts;
  const ReconcileJson out{
      {"schema", "reelcheck-reconcile"},
      {"schema_version", 1},
      {"generator", "reelcheck " REELCHECK_VERSION},
      {"report", r.report},
      {"reel_id", r.reel_id},
      {"batch_id", r.batch_id},
      {"check_time", r.check_time},
      {"report_verdict", r.report_ok ? "ok" : "failed"},
      {"verdict", r.foreign_alarm()      ? "foreign_chips"
                  : r.never_seen_known() ? "ok"
                                         : "incomplete"},
      {"slot", r.slot ? std::string(slot_name(*r.slot)) : std::string("all")},
      {"counts", ReconcileJson{{"bundle_chips", c.bundle_chips},
                               {"seen_lines", c.seen_lines},
                               {"seen_chips", c.seen_chips},
                               {"seen_in_bundle", c.seen_in_bundle},
                               {"seen_repeated", c.seen_repeated},
                               {"unused", c.unused},
                               {"foreign", c.foreign},
                               {"malformed_lines", c.malformed_lines},
                               {"certificates_to_deactivate", c.certificates_to_deactivate}}},
      {"foreign", std::move(foreign)},
      {"malformed_lines", std::move(malformed)},
      {"seen_not_ok", std::move(not_ok)},
      {"unused", std::move(unused)},
      {"files", std::move(files)}};
  return out.dump(2, ' ', false, ReconcileJson::error_handler_t::replace) + "\n";
}

} // namespace reelcheck
