// JSON rendering of the report (schema: docs/report.md). Keys keep
// insertion order and numbers are integers only, so output is byte-identical across platforms.

#include <nlohmann/json.hpp>

#include "reelcheck/project_version.hpp"
#include "reelcheck/report.hpp"
#include "util/hex.hpp"

namespace reelcheck {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kGenerator = "reelcheck " REELCHECK_VERSION;

std::string dump(const Json& j) {
  // Names from archives may hold invalid UTF-8: replace rather than throw.
  return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

Json problems_json(const std::vector<Problem>& problems) {
  Json out = Json::array();
  for (const auto& p : problems)
    out.push_back(Json{{"code", problem_code_name(p.code)}, {"message", p.message}});
  return out;
}

Json verdict_json(const CertificateVerdict& v) {
  return Json{{"archive", v.archive},
              {"file", v.file},
              {"slot", slot_name(v.slot)},
              {"chip_id", v.chip_id},
              {"verdict", v.ok() ? "ok" : "failed"},
              {"parsed", v.parsed},
              {"subject", v.subject},
              {"issuer", v.issuer},
              {"serial", v.serial},
              {"not_before", v.not_before},
              {"not_after", v.not_after},
              {"key_type", v.key_type},
              {"fingerprint_sha256", v.fingerprint_sha256},
              {"public_key_sha256", v.public_key_sha256},
              {"chain", v.chain},
              {"problems", problems_json(v.problems)}};
}

Json secret_json(const SecretInfo& s, bool include_value) {
  Json out{{"present", s.present}, {"size", s.size}, {"fingerprint", s.fingerprint}};
  if (include_value && s.present) out["value"] = detail::to_hex(as_bytes(s.value), true);
  return out;
}

Json chip_json(const ChipRecord& chip, bool include_secrets) {
  Json certs = Json::object();
  for (Slot s : kAllSlots) {
    const auto& c = chip.certificates[static_cast<std::size_t>(s)];
    certs[std::string(slot_name(s))] = c ? verdict_json(*c) : Json(nullptr);
  }
  return Json{{"chip_id", chip.chip_id},
              {"batch", chip.batch},
              {"wafer_x", chip.wafer_x},
              {"wafer_y", chip.wafer_y},
              {"status", chip_status_name(chip.status)},
              {"reasons", problems_json(chip.reasons)},
              {"certificates", std::move(certs)},
              {"pbs", secret_json(chip.pbs, include_secrets)},
              {"auth", secret_json(chip.auth, include_secrets)}};
}

} // namespace

std::string chip_to_json(const ChipRecord& chip, bool include_secrets) {
  return dump(chip_json(chip, include_secrets));
}

std::string chip_to_json_line(const ChipRecord& chip, bool include_secrets) {
  return chip_json(chip, include_secrets).dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string report_to_json(const Report& r) {
  Json archives = Json::array();
  for (const auto& a : r.archives)
    archives.push_back(Json{{"kind", inner_archive_kind_name(a.kind)},
                            {"name", a.name},
                            {"reel_id", a.reel_id},
                            {"batch_id", a.batch_id},
                            {"entries", a.entries}});
  Json missing = Json::array();
  for (auto kind : r.missing_archives)
    missing.push_back(inner_archive_kind_name(kind));
  Json anchors = Json::array();
  for (const auto& a : r.trust_anchors)
    anchors.push_back(Json{{"subject", a.subject},
                           {"source", a.source},
                           {"fingerprint_sha256", a.fingerprint_sha256}});
  Json findings = Json::array();
  for (const auto& f : r.findings)
    findings.push_back(Json{{"severity", severity_name(f.severity)},
                            {"code", finding_code_name(f.code)},
                            {"file", f.file},
                            {"line", f.line},
                            {"chip_id", f.chip_id},
                            {"message", f.message}});
  Json chips = Json::array();
  for (const auto& c : r.chips)
    chips.push_back(chip_json(c, r.secrets_included));
  Json unassigned = Json::array();
  for (const auto& v : r.unassigned)
    unassigned.push_back(verdict_json(v));

  const Json out{{"schema", "reelcheck-report"},
                 {"schema_version", kReportSchemaVersion},
                 {"generator", kGenerator},
                 {"check_time", r.check_time},
                 {"inputs", r.inputs},
                 {"reel_id", r.reel_id},
                 {"batch_id", r.batch_id},
                 {"verdict", r.all_ok() ? "ok" : "failed"},
                 {"counts", Json{{"chips", r.counts.chips},
                                 {"ok", r.counts.ok},
                                 {"failed", r.counts.failed},
                                 {"extra", r.counts.extra},
                                 {"certificates", r.counts.certificates},
                                 {"certificates_ok", r.counts.certificates_ok}}},
                 {"archives", std::move(archives)},
                 {"missing_archives", std::move(missing)},
                 {"trust_anchors", std::move(anchors)},
                 {"findings", std::move(findings)},
                 {"secrets_included", r.secrets_included},
                 {"chips", std::move(chips)},
                 {"unassigned_certificates", std::move(unassigned)}};
  return dump(out);
}

} // namespace reelcheck
