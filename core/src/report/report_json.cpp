// JSON rendering of the report (schema: docs/report.md). Keys keep their order and numbers are
// integers only, so output is byte-identical across platforms. Written in one pass by
// JsonWriter (the same text as nlohmann::json's dump, without building a tree first).
#include "reelcheck/project_version.hpp"
#include "reelcheck/report.hpp"
#include "report/json_writer.hpp"
#include "report/report_parts_json.hpp"
#include "report/trust_anchors_json.hpp"
#include "util/hex.hpp"

namespace reelcheck {
namespace {

using detail::JsonWriter;

constexpr const char* kGenerator = "reelcheck " REELCHECK_VERSION;

// A chip's object with its three certificates and both secrets is about 3.3 KB.
constexpr std::size_t kChipJsonSize = 3400;

using detail::write_problems;

void write_verdict(JsonWriter& w, const CertificateVerdict& v) {
  w.begin_object();
  w.member("archive", v.archive);
  w.member("file", v.file);
  w.member("slot", slot_name(v.slot));
  w.member("chip_id", v.chip_id);
  w.member("verdict", v.ok() ? "ok" : "failed");
  w.member("parsed", v.parsed);
  w.member("subject", v.subject);
  w.member("issuer", v.issuer);
  w.member("serial", v.serial);
  w.member("not_before", v.not_before);
  w.member("not_after", v.not_after);
  w.member("key_type", v.key_type);
  w.member("fingerprint_sha256", v.fingerprint_sha256);
  w.member("public_key_sha256", v.public_key_sha256);
  w.key("chain");
  w.begin_array();
  for (const auto& name : v.chain)
    w.value(name);
  w.end_array();
  w.key("problems");
  write_problems(w, v.problems);
  w.end_object();
}

void write_secret(JsonWriter& w, const SecretInfo& s, bool include_value) {
  w.begin_object();
  w.member("present", s.present);
  w.member("size", s.size);
  w.member("fingerprint", s.fingerprint);
  if (include_value && s.present) {
    w.key("value");
    w.hex_value(as_bytes(s.value));
  }
  w.end_object();
}

void write_chip(JsonWriter& w, const ChipRecord& chip, bool include_secrets) {
  w.begin_object();
  w.member("chip_id", chip.chip_id);
  w.member("batch", chip.batch);
  w.member("wafer_x", chip.wafer_x);
  w.member("wafer_y", chip.wafer_y);
  w.member("status", chip_status_name(chip.status));
  w.key("reasons");
  write_problems(w, chip.reasons);
  w.key("certificates");
  w.begin_object();
  for (Slot s : kAllSlots) {
    w.key(slot_name(s));
    if (const auto& c = chip.certificates[static_cast<std::size_t>(s)])
      write_verdict(w, *c);
    else
      w.null();
  }
  w.end_object();
  w.key("pbs");
  write_secret(w, chip.pbs, include_secrets);
  w.key("auth");
  write_secret(w, chip.auth, include_secrets);
  w.end_object();
}

} // namespace

SecureString chip_to_json(const ChipRecord& chip, bool include_secrets) {
  SecureString out = secure_text(kChipJsonSize);
  JsonWriter w(out, 2);
  write_chip(w, chip, include_secrets);
  out += '\n';
  return out;
}

SecureString chip_to_json_line(const ChipRecord& chip, bool include_secrets) {
  SecureString out = secure_text(kChipJsonSize);
  JsonWriter w(out, -1);
  write_chip(w, chip, include_secrets);
  return out;
}

SecureString report_to_json(const Report& r) {
  // About 3.3 KB per chip: one allocation for a reel instead of a dozen doublings.
  SecureString out = secure_text(4096 + r.chips.size() * kChipJsonSize + r.findings.size() * 200);
  JsonWriter w(out, 2);
  w.begin_object();
  w.member("schema", "reelcheck-report");
  w.member("schema_version", kReportSchemaVersion);
  w.member("generator", kGenerator);
  w.member("check_time", r.check_time);
  w.key("inputs");
  w.begin_array();
  for (const auto& input : r.inputs)
    w.value(input);
  w.end_array();
  w.member("reel_id", r.reel_id);
  w.member("batch_id", r.batch_id);
  w.member("verdict", r.all_ok() ? "ok" : "failed");
  w.key("counts");
  detail::write_counts(w, r.counts);
  w.key("archives");
  w.begin_array();
  for (const auto& a : r.archives) {
    w.begin_object();
    w.member("kind", inner_archive_kind_name(a.kind));
    w.member("name", a.name);
    w.member("reel_id", a.reel_id);
    w.member("batch_id", a.batch_id);
    w.member("entries", a.entries);
    w.end_object();
  }
  w.end_array();
  w.key("missing_archives");
  detail::write_missing_archives(w, r.missing_archives);
  w.key("trust_anchors");
  detail::write_trust_anchors(w, r.trust_anchors);
  w.key("findings");
  w.begin_array();
  for (const auto& f : r.findings) {
    w.begin_object();
    w.member("severity", severity_name(f.severity));
    w.member("code", finding_code_name(f.code));
    w.member("file", f.file);
    w.member("line", f.line);
    w.member("chip_id", f.chip_id);
    w.member("message", f.message);
    w.end_object();
  }
  w.end_array();
  w.member("secrets_checked", r.secrets_checked);
  w.member("secrets_included", r.secrets_included);
  w.key("chips");
  w.begin_array();
  for (const auto& c : r.chips)
    write_chip(w, c, r.secrets_included);
  w.end_array();
  w.key("unassigned_certificates");
  w.begin_array();
  for (const auto& v : r.unassigned)
    write_verdict(w, v);
  w.end_array();
  w.end_object();
  out += '\n';
  return out;
}

} // namespace reelcheck
