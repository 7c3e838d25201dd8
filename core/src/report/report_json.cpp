// JSON rendering of the report (schema: docs/report.md) and of verdict batches. Keys keep
// insertion order and numbers are integers only, so output is byte-identical across platforms.
#include <algorithm>
#include <iterator>
#include <optional>

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

// Strict reading of verdicts coming back from another worker: every field verdict_json writes
// must be there with its type, and nothing else may be. A verdict is a security decision, so a
// record that lost a field (say, its problems) must be refused, never read as "no problems".
// The checks come before every get<>(), so a bad record is an Error value, never a thrown
// json::type_error: exceptions work natively and in wasm (-fexceptions), but none may cross the
// core's interface.
class VerdictReader {
public:
  explicit VerdictReader(std::size_t index) : index_(index) {}

  std::optional<Error> read(const Json& item, CertificateVerdict& v) {
    if (!item.is_object()) return fail("is not a JSON object");
    static constexpr const char* kFields[] = {"archive",
                                              "file",
                                              "slot",
                                              "chip_id",
                                              "verdict",
                                              "parsed",
                                              "subject",
                                              "issuer",
                                              "serial",
                                              "not_before",
                                              "not_after",
                                              "key_type",
                                              "fingerprint_sha256",
                                              "public_key_sha256",
                                              "chain",
                                              "problems"};
    for (const auto& field_value : item.items()) {
      // A plain reference, not a structured binding: clang 14 (emscripten) cannot capture those.
      const std::string& key = field_value.key();
      if (std::find_if(std::begin(kFields), std::end(kFields),
                       [&](const char* f) { return key == f; }) == std::end(kFields))
        return fail("has an unknown field \"" + key + "\"");
    }
    for (const char* field : kFields)
      if (!item.contains(field)) return fail(std::string("has no \"") + field + "\" field");

    std::string slot, verdict;
    if (auto e = text(item, "archive", v.archive)) return e;
    if (auto e = text(item, "file", v.file)) return e;
    if (auto e = text(item, "slot", slot)) return e;
    if (auto e = text(item, "chip_id", v.chip_id)) return e;
    if (auto e = text(item, "verdict", verdict)) return e;
    if (!item["parsed"].is_boolean()) return wrong_type("parsed", "true or false");
    v.parsed = item["parsed"].get<bool>();
    if (auto e = text(item, "subject", v.subject)) return e;
    if (auto e = text(item, "issuer", v.issuer)) return e;
    if (auto e = text(item, "serial", v.serial)) return e;
    if (auto e = text(item, "not_before", v.not_before)) return e;
    if (auto e = text(item, "not_after", v.not_after)) return e;
    if (auto e = text(item, "key_type", v.key_type)) return e;
    if (auto e = text(item, "fingerprint_sha256", v.fingerprint_sha256)) return e;
    if (auto e = text(item, "public_key_sha256", v.public_key_sha256)) return e;

    const auto parsed_slot = parse_slot(slot);
    if (!parsed_slot) return fail("has an unknown slot \"" + slot + "\"");
    v.slot = *parsed_slot;

    const Json& chain = item["chain"];
    if (!chain.is_array()) return wrong_type("chain", "an array of names");
    for (const auto& name : chain) {
      if (!name.is_string()) return wrong_type("chain", "an array of names");
      v.chain.push_back(name.get<std::string>());
    }
    const Json& problems = item["problems"];
    if (!problems.is_array()) return wrong_type("problems", "an array");
    for (const auto& p : problems) {
      if (!p.is_object() || p.size() != 2 || !p.contains("code") || !p.contains("message") ||
          !p["code"].is_string() || !p["message"].is_string())
        return wrong_type("problems", "an array of {code, message} objects");
      const std::string& name = p["code"].get_ref<const std::string&>();
      const auto code = parse_problem_code(name);
      if (!code) return fail("has an unknown problem code \"" + name + "\"");
      v.problems.push_back(Problem{*code, p["message"].get<std::string>()});
    }
    // The summary word must agree with the details it summarises.
    if (verdict != "ok" && verdict != "failed")
      return fail("has an unknown verdict \"" + verdict + "\"");
    if ((verdict == "ok") != v.ok())
      return fail("says \"" + verdict + "\" but its problems and parse state say otherwise");
    return std::nullopt;
  }

private:
  Error fail(const std::string& what) const {
    return make_error(ErrorCode::kBadInput,
                      "verdict " + std::to_string(index_ + 1) + " from a verifier " + what);
  }
  Error wrong_type(const char* field, const char* want) const {
    return fail(std::string("has a \"") + field + "\" field that is not " + want);
  }
  std::optional<Error> text(const Json& item, const char* field, std::string& out) const {
    const Json& value = item[field];
    if (!value.is_string()) return wrong_type(field, "a string");
    out = value.get<std::string>();
    return std::nullopt;
  }

  std::size_t index_;
};

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

std::string verdicts_to_json(std::span<const CertificateVerdict> verdicts) {
  Json out = Json::array();
  for (const auto& v : verdicts)
    out.push_back(verdict_json(v));
  return out.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Result<std::vector<CertificateVerdict>> verdicts_from_json(std::string_view text) {
  const Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded())
    return make_error(ErrorCode::kBadInput, "verdict batch from a verifier is not valid JSON");
  if (!j.is_array())
    return make_error(ErrorCode::kBadInput, "verdict batch from a verifier is not a JSON array");
  std::vector<CertificateVerdict> out;
  out.reserve(j.size());
  for (std::size_t i = 0; i < j.size(); ++i) {
    CertificateVerdict v;
    if (auto error = VerdictReader(i).read(j[i], v)) return *error;
    out.push_back(std::move(v));
  }
  return out;
}

} // namespace reelcheck
