// The code table as JSON for the page: the page keeps no list of codes or words of its own.
#include <nlohmann/json.hpp>

#include "reelcheck/report.hpp"

namespace reelcheck {

std::string code_table_json() {
  using Json = nlohmann::ordered_json;
  Json findings = Json::array();
  for (const auto& row : kFindingCodes) {
    Json severities = Json::array();
    for (Severity s : kAllSeverities)
      if (allows(row.severities, s)) severities.push_back(severity_name(s));
    findings.push_back(Json{{"code", row.name},
                            {"severities", std::move(severities)},
                            {"words", row.words},
                            {"problem", row.problem}});
  }
  Json errors = Json::array();
  for (const auto& row : kErrorCodes)
    errors.push_back(Json{{"code", row.name}, {"title", row.title}, {"text", row.text}});
  Json statuses = Json::array();
  for (ChipStatus s : {ChipStatus::kOk, ChipStatus::kFailed, ChipStatus::kExtra})
    statuses.push_back(Json{{"status", chip_status_name(s)},
                            {"words", chip_status_words(s)},
                            {"label", chip_status_label(s)}});
  Json severities = Json::array();
  for (Severity s : kAllSeverities)
    severities.push_back(Json{{"severity", severity_name(s)}, {"words", severity_words(s)}});
  Json archives = Json::array();
  for (InnerArchiveKind k : kAllInnerArchiveKinds)
    archives.push_back(Json{{"kind", inner_archive_kind_name(k)},
                            {"file", "\u2026_" + std::string(inner_archive_kind_name(k)) + ".7z"},
                            {"words", inner_archive_kind_words(k)}});
  const Json out{{"findings", std::move(findings)},
                 {"errors", std::move(errors)},
                 {"statuses", std::move(statuses)},
                 {"severities", std::move(severities)},
                 {"archives", std::move(archives)}};
  return out.dump();
}

} // namespace reelcheck
