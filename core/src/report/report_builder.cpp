// Gathers per-certificate verdicts into per-chip records and adds the checks that need the
// whole bundle: secrets without certificates, public keys shared between chips, key-file
// findings, missing slots.
#include <algorithm>
#include <map>
#include <set>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "crypto/sha256.hpp"
#include "reelcheck/chip_id.hpp"
#include "reelcheck/report.hpp"
#include "util/hex.hpp"

namespace reelcheck {
namespace {

std::size_t slot_index(Slot s) {
  return static_cast<std::size_t>(s);
}

SecretInfo describe_secret(const KeyRecord& record) {
  SecretInfo info;
  info.present = true;
  info.size = record.key.size();
  detail::Sha256 sha; // wipes its state: the key is a secret
  sha.update(record.key);
  const auto digest = sha.finish();
  info.fingerprint = detail::to_hex(std::span(digest).first(8));
  return info;
}

void add_reason(ChipRecord& chip, ProblemCode code, std::string message) {
  for (const auto& r : chip.reasons)
    if (r.code == code && r.message == message) return;
  chip.reasons.push_back(Problem{code, std::move(message)});
}

// The report's chips, sorted by ID, made in place once every chip's ID is known: each record is
// written once, where the report keeps it (a map of records moved into the report at the end
// wrote a full reel's 4,160 records twice, each time into pages touched for the first time).
[[gnu::noinline]] void make_chips(std::vector<ChipRecord>& chips,
                                  const std::vector<std::string_view>& named) {
  // Most IDs come five times (a chip's three certificates, two secrets): the distinct ones
  // first, by hash, and only those sorted.
  const std::unordered_set<std::string_view> distinct(named.begin(), named.end());
  std::vector<std::string_view> ids(distinct.begin(), distinct.end());
  std::sort(ids.begin(), ids.end());
  chips.resize(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    ChipRecord& chip = chips[i];
    chip.chip_id = ids[i];
    if (auto parsed = parse_chip_id(chip.chip_id)) {
      chip.batch = parsed->batch_hex();
      chip.wafer_x = parsed->wafer_x();
      chip.wafer_y = parsed->wafer_y();
    }
  }
}

// The chip with this ID among chips sorted by ID, or nullptr.
ChipRecord* chip_with_id(std::vector<ChipRecord>& chips, std::string_view id) {
  const auto it =
      std::lower_bound(chips.begin(), chips.end(), id,
                       [](const ChipRecord& c, std::string_view i) { return c.chip_id < i; });
  return it != chips.end() && it->chip_id == id ? &*it : nullptr;
}

// A chip make_chips made: build_report gives make_chips every ID it asks for here.
ChipRecord& chip_for(std::vector<ChipRecord>& chips, std::string_view id) {
  return *chip_with_id(chips, id);
}

// The steps below that run once per verdict or per chip are functions of their own, never
// inlined into build_report, which runs once per report: in the page V8 optimises a function
// whose loops have run long, in the background while the run goes on, and compiling
// build_report whole would be paid for nothing. Small per-item functions are cheap to optimise,
// and used for the items after that (docs/performance.md).

// What was sent out, as views (no name is copied: a full reel sends 12,480).
struct Sent {
  std::string_view archive, name;
  Slot slot;
  bool answered = false;
  auto key() const { return std::tie(archive, name, slot); }
};
bool by_key(const Sent& a, const Sent& b) {
  return a.key() < b.key();
}

// One verdict against what was sent (sorted): kept (true), or refused with a finding.
[[gnu::noinline]] bool answer_one(std::vector<Sent>& sent, const CertificateVerdict& v,
                                  std::vector<Finding>& findings) {
  const Sent wanted{v.archive, v.file, v.slot};
  auto it = std::lower_bound(sent.begin(), sent.end(), wanted, by_key);
  while (it != sent.end() && it->key() == wanted.key() && it->answered)
    ++it; // the same certificate sent twice: one verdict each
  if (it == sent.end() || it->key() != wanted.key()) {
    findings.push_back(Finding{Severity::kError, FindingCode::kVerdictUnexpected,
                               v.archive + "/" + v.file, 0, v.chip_id,
                               "a verdict came back for a certificate that was not sent "
                               "out (or came back twice); it is ignored"});
    return false;
  }
  it->answered = true;
  return true;
}

// Fail closed: every certificate of the bundle needs exactly one verdict, and every verdict
// must be for a certificate of the bundle. The front ends refuse such a run outright
// (check_verdicts_answer); this keeps the report itself from ever reading as OK.
[[gnu::noinline]] void keep_answered(const Bundle& bundle,
                                     std::vector<CertificateVerdict>& verdicts,
                                     std::vector<Finding>& findings) {
  // A session hands the verdicts over one for each certificate, in the bundle's order: one
  // pass shows that each answers the certificate at its place. Anything else is matched by
  // name below.
  if (!check_verdicts_answer(bundle.certificates, verdicts)) return;
  std::vector<Sent> sent;
  sent.reserve(bundle.certificates.size());
  for (const auto& c : bundle.certificates)
    sent.push_back(Sent{c.archive, c.name, c.slot});
  std::sort(sent.begin(), sent.end(), by_key);
  // Refused verdicts are dropped in place: the kept ones are not moved into new memory (12,480
  // verdicts of a full reel, each written into pages touched for the first time).
  std::vector<char> kept(verdicts.size());
  for (std::size_t i = 0; i < verdicts.size(); ++i)
    kept[i] = answer_one(sent, verdicts[i], findings);
  std::size_t next = 0;
  for (std::size_t i = 0; i < verdicts.size(); ++i)
    if (kept[i]) {
      if (next != i) verdicts[next] = std::move(verdicts[i]);
      ++next;
    }
  verdicts.erase(verdicts.begin() + static_cast<std::ptrdiff_t>(next), verdicts.end());
  for (const auto& unanswered : sent)
    if (!unanswered.answered)
      findings.push_back(
          Finding{Severity::kError, FindingCode::kVerdictMissing,
                  std::string(unanswered.archive) + "/" + std::string(unanswered.name), 0, "",
                  "no verdict came back for this certificate: it was not verified"});
}

// Public keys shared between different chips. A full reel has 12,480 keys and, normally, no
// repeat: one pass with a hash finds the repeats, and only their keys are grouped (each group's
// users in the verdicts' order).
[[gnu::noinline]] void mark_shared_keys(std::vector<CertificateVerdict>& verdicts) {
  std::unordered_map<std::string_view, std::size_t> first_user;
  first_user.reserve(verdicts.size());
  std::map<std::string_view, std::vector<std::size_t>> shared;
  for (std::size_t i = 0; i < verdicts.size(); ++i) {
    if (!verdicts[i].parsed) continue;
    const auto [first, inserted] = first_user.try_emplace(verdicts[i].public_key_sha256, i);
    if (inserted) continue;
    auto& users = shared[first->first];
    if (users.empty()) users.push_back(first->second);
    users.push_back(i);
  }
  for (const auto& [key, users] : shared) {
    for (std::size_t i : users) {
      std::string list;
      for (std::size_t j : users) {
        if (j == i) continue;
        if (!list.empty()) list += ", ";
        list += verdicts[j].chip_id.empty()
                    ? verdicts[j].file
                    : verdicts[j].chip_id + "/" + std::string(slot_name(verdicts[j].slot));
      }
      verdicts[i].problems.push_back(
          Problem{ProblemCode::kSharedPublicKey, "public key also used by " + list});
    }
  }
}

// A verdict into its chip's slot; one without a chip, or a second one for a slot, is unassigned.
[[gnu::noinline]] void place_verdict(Report& report, CertificateVerdict&& v) {
  if (v.chip_id.empty()) {
    report.unassigned.push_back(std::move(v));
    return;
  }
  ChipRecord& chip = chip_for(report.chips, v.chip_id);
  auto& slot = chip.certificates[slot_index(v.slot)];
  if (slot) {
    add_reason(chip, ProblemCode::kDuplicateCertificate,
               "more than one " + std::string(slot_name(v.slot)) + " certificate (" + slot->file +
                   ", " + v.file + ")");
    report.unassigned.push_back(std::move(v));
    return;
  }
  slot = std::move(v);
}

// A chip's reasons and status from its certificates and secrets.
[[gnu::noinline]] void judge_chip(const std::string& id, ChipRecord& chip, bool secrets_checked,
                                  const std::set<std::string>& chips_with_key_findings,
                                  std::vector<Finding>& findings) {
  const bool has_secrets =
      chip.pbs.present || chip.auth.present || chips_with_key_findings.count(id);
  // Without the keys archive every chip with a certificate is taken to be on the reel: it
  // needs all three certificates, and there is no `extra`.
  const bool needs_all_slots = has_secrets || !secrets_checked;
  for (Slot s : kAllSlots) {
    const auto& cert = chip.certificates[slot_index(s)];
    if (!cert) {
      if (needs_all_slots)
        add_reason(chip, ProblemCode::kMissingCertificate,
                   "no " + std::string(slot_name(s)) + " certificate for this chip");
      continue;
    }
    for (const auto& p : cert->problems) {
      add_reason(chip, p.code, std::string(slot_name(s)) + ": " + p.message);
      findings.push_back(Finding{Severity::kError, as_finding_code(p.code),
                                 cert->archive + "/" + cert->file, 0, id, p.message});
    }
    // Fail closed: a verdict that is not ok() but names no problem (only an unparsed one can
    // be) still fails its chip, and the report says why. No verifier of ours answers like
    // that; a faulty or tampered one might.
    if (!cert->ok() && cert->problems.empty()) {
      const std::string why = "the certificate was not parsed, and its verdict gives no reason";
      add_reason(chip, ProblemCode::kUnparsable, std::string(slot_name(s)) + ": " + why);
      findings.push_back(Finding{Severity::kError, FindingCode::kUnparsable,
                                 cert->archive + "/" + cert->file, 0, id, why});
    }
  }
  // A chip's status comes from its certificates' verdicts and its reasons together: a
  // certificate that is not ok() fails the chip whatever the reasons say.
  const bool certificates_ok = std::all_of(chip.certificates.begin(), chip.certificates.end(),
                                           [](const auto& cert) { return !cert || cert->ok(); });
  if (has_secrets) {
    if (!chip.pbs.present && !chips_with_key_findings.count(id))
      add_reason(chip, ProblemCode::kMissingSecret, "no platform binding secret in PBS_keys.txt");
    if (!chip.auth.present && !chips_with_key_findings.count(id))
      add_reason(chip, ProblemCode::kMissingSecret, "no authorization reference in auto_keys.txt");
  }
  if (!chip.reasons.empty() || !certificates_ok || chips_with_key_findings.count(id))
    chip.status = ChipStatus::kFailed;
  else
    chip.status = needs_all_slots ? ChipStatus::kOk : ChipStatus::kExtra;
}

[[gnu::noinline]] void count(Report& report) {
  ReportCounts& c = report.counts;
  c.chips = report.chips.size();
  for (const auto& chip : report.chips) {
    c.ok += chip.status == ChipStatus::kOk;
    c.failed += chip.status == ChipStatus::kFailed;
    c.extra += chip.status == ChipStatus::kExtra;
    for (const auto& cert : chip.certificates) {
      if (!cert) continue;
      ++c.certificates;
      c.certificates_ok += cert->ok();
    }
  }
  for (const auto& v : report.unassigned) {
    ++c.certificates;
    c.certificates_ok += v.ok();
  }
}

// build_report's steps over every verdict, chip or key-file finding, each a function of its own
// (never inlined, as the steps above): build_report itself then has no loop for V8 to optimise.

// Verdicts arrive in any order (threads, workers): sort for a deterministic report. A session
// hands them over in the bundle's order, which already is this one.
[[gnu::noinline]] void sort_verdicts(std::vector<CertificateVerdict>& verdicts) {
  const auto by_name = [](const CertificateVerdict& a, const CertificateVerdict& b) {
    return std::tie(a.archive, a.file) < std::tie(b.archive, b.file);
  };
  if (!std::is_sorted(verdicts.begin(), verdicts.end(), by_name))
    std::sort(verdicts.begin(), verdicts.end(), by_name);
}

// A key-file finding that fails a chip (a secret unusable). Its codes (bad_key_line,
// duplicate_chip) are problem codes too; a chip with such a finding fails even if a future
// finding code had no problem code (judge_chip).
bool names_a_failing_chip(const Finding& f) {
  return f.severity == Severity::kError && !f.chip_id.empty();
}

// A chip is every ID a verdict, a secret or a key-file finding with a reason names.
[[gnu::noinline]] std::vector<std::string_view>
chip_ids(const Bundle& bundle, const std::vector<CertificateVerdict>& verdicts,
         const std::vector<Finding>& key_findings) {
  std::vector<std::string_view> ids;
  ids.reserve(verdicts.size() + bundle.pbs.records.size() + bundle.auth.records.size());
  for (const auto& v : verdicts)
    if (!v.chip_id.empty()) ids.push_back(v.chip_id);
  for (const auto& record : bundle.pbs.records)
    ids.push_back(record.chip_id);
  for (const auto& record : bundle.auth.records)
    ids.push_back(record.chip_id);
  for (const auto& f : key_findings)
    if (names_a_failing_chip(f) && as_problem_code(f.code)) ids.push_back(f.chip_id);
  return ids;
}

[[gnu::noinline]] void place_verdicts(Report& report, std::vector<CertificateVerdict>& verdicts) {
  for (auto& v : verdicts)
    place_verdict(report, std::move(v));
}

[[gnu::noinline]] void describe_secrets(std::vector<ChipRecord>& chips, const Bundle& bundle) {
  for (const auto& record : bundle.pbs.records)
    chip_for(chips, record.chip_id).pbs = describe_secret(record);
  for (const auto& record : bundle.auth.records)
    chip_for(chips, record.chip_id).auth = describe_secret(record);
}

// The key-file findings into the report, each failing chip's as a reason. -> those chips.
[[gnu::noinline]] std::set<std::string> add_key_findings(Report& report,
                                                         const std::vector<Finding>& key_findings) {
  std::set<std::string> chips_with_key_findings;
  for (const auto& f : key_findings) {
    if (names_a_failing_chip(f)) {
      if (const auto reason = as_problem_code(f.code))
        add_reason(chip_for(report.chips, f.chip_id), *reason,
                   f.file + " line " + std::to_string(f.line) + ": " + f.message);
      chips_with_key_findings.insert(f.chip_id);
    }
    report.findings.push_back(f);
  }
  return chips_with_key_findings;
}

[[gnu::noinline]] void judge_chips(Report& report, bool secrets_checked,
                                   const std::set<std::string>& chips_with_key_findings) {
  for (auto& chip : report.chips)
    judge_chip(chip.chip_id, chip, secrets_checked, chips_with_key_findings, report.findings);
}

[[gnu::noinline]] void note_unassigned(Report& report) {
  for (const auto& v : report.unassigned) {
    if (v.chip_id.empty())
      report.findings.push_back(Finding{Severity::kError, FindingCode::kNameMismatch,
                                        v.archive + "/" + v.file, 0, "",
                                        "certificate file name carries no chip ID"});
  }
}

} // namespace

bool Report::all_ok() const {
  // Fail closed twice over: every certificate must be ok too (a failed one always fails its
  // chip or is unassigned, so this only matters if that rule were ever broken).
  if (counts.failed != 0 || !unassigned.empty() || counts.certificates_ok != counts.certificates)
    return false;
  return std::none_of(findings.begin(), findings.end(),
                      [](const Finding& f) { return f.severity == Severity::kError; });
}

const ChipRecord* Report::find_chip(std::string_view chip_id) const {
  auto it =
      std::lower_bound(chips.begin(), chips.end(), chip_id,
                       [](const ChipRecord& c, std::string_view id) { return c.chip_id < id; });
  return it != chips.end() && it->chip_id == chip_id ? &*it : nullptr;
}

Report build_report(const Bundle& bundle, std::vector<CertificateVerdict> verdicts,
                    const TrustStore& trust, const ReportOptions& options) {
  Report report;
  report.check_time = format_check_time(options.check_time);
  report.inputs = bundle.inputs;
  report.reel_id = bundle.reel_id;
  report.batch_id = bundle.batch_id;
  report.archives = bundle.archives;
  report.missing_archives = bundle.missing_archives;
  report.trust_anchors = trust.anchors();
  report.secrets_checked = bundle.secrets_checked;
  report.findings = bundle.findings;

  sort_verdicts(verdicts);
  keep_answered(bundle, verdicts, report.findings);
  mark_shared_keys(verdicts);

  // Key-file findings name chips whose secret is unusable; they fail, with file and line.
  std::vector<Finding> key_findings = bundle.pbs.findings;
  key_findings.insert(key_findings.end(), bundle.auth.findings.begin(), bundle.auth.findings.end());

  make_chips(report.chips, chip_ids(bundle, verdicts, key_findings));
  place_verdicts(report, verdicts);
  describe_secrets(report.chips, bundle);
  const std::set<std::string> chips_with_key_findings = add_key_findings(report, key_findings);
  judge_chips(report, bundle.secrets_checked, chips_with_key_findings);
  note_unassigned(report);

  count(report);
  report.findings.insert(report.findings.end(), options.input_findings.begin(),
                         options.input_findings.end());
  if (options.include_secrets) add_secret_values(report, bundle);
  return report;
}

void add_secret_values(Report& report, const Bundle& bundle) {
  report.secrets_included = bundle.secrets_checked;
  if (!report.secrets_included) return;
  // As describe_secret's records: the last record of a chip is the one its record describes.
  const auto value_into = [&](const KeyRecord& record, SecretInfo ChipRecord::*secret) {
    if (ChipRecord* chip = chip_with_id(report.chips, record.chip_id))
      (chip->*secret).value = record.key;
  };
  for (const auto& record : bundle.pbs.records)
    value_into(record, &ChipRecord::pbs);
  for (const auto& record : bundle.auth.records)
    value_into(record, &ChipRecord::auth);
}

} // namespace reelcheck
