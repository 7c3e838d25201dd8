// The problem and finding codes: every value has one unique, non-empty name that reads back as
// that value, and the shared names mean the same thing in both enums. A value added without a
// name (or a count not moved along) fails here, before a report could carry "".
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "reelcheck/codes.hpp"
#include "reelcheck/report.hpp"
#include "verdict_wire.hpp"

using namespace reelcheck;

namespace {

// Names of the values 0..255 of an enum, stopping at the first value without one.
template <class Code>
std::vector<std::string> names_until_first_gap(std::string_view (*name_of)(Code)) {
  std::vector<std::string> names;
  for (int i = 0; i < 256; ++i) {
    const std::string_view name = name_of(static_cast<Code>(i));
    if (name.empty()) break;
    names.emplace_back(name);
  }
  return names;
}

bool is_snake_case(const std::string& name) {
  if (name.empty() || name.front() == '_' || name.back() == '_') return false;
  for (char c : name)
    if (!(c >= 'a' && c <= 'z') && c != '_') return false;
  return true;
}

} // namespace

TEST(Codes, EveryProblemCodeHasOneUniqueNameThatRoundTrips) {
  const auto names = names_until_first_gap<ProblemCode>(problem_code_name);
  ASSERT_EQ(names.size(), kProblemCodeCount) << "kProblemCodeCount and the names disagree";
  std::set<std::string> seen;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto code = static_cast<ProblemCode>(i);
    EXPECT_TRUE(is_snake_case(names[i])) << names[i];
    EXPECT_TRUE(seen.insert(names[i]).second) << "two problem codes named " << names[i];
    const auto back = parse_problem_code(names[i]);
    ASSERT_TRUE(back.has_value()) << names[i];
    EXPECT_EQ(*back, code) << names[i];
  }
}

TEST(Codes, EveryFindingCodeHasOneUniqueNameThatRoundTrips) {
  const auto names = names_until_first_gap<FindingCode>(finding_code_name);
  ASSERT_EQ(names.size(), kFindingCodeCount) << "kFindingCodeCount and the names disagree";
  std::set<std::string> seen;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto code = static_cast<FindingCode>(i);
    EXPECT_TRUE(is_snake_case(names[i])) << names[i];
    EXPECT_TRUE(seen.insert(names[i]).second) << "two finding codes named " << names[i];
    const auto back = parse_finding_code(names[i]);
    ASSERT_TRUE(back.has_value()) << names[i];
    EXPECT_EQ(*back, code) << names[i];
  }
}

TEST(Codes, EveryProblemCodeIsTheFindingCodeOfTheSameName) {
  for (std::size_t i = 0; i < kProblemCodeCount; ++i) {
    const auto problem = static_cast<ProblemCode>(i);
    const FindingCode finding = as_finding_code(problem);
    EXPECT_EQ(finding_code_name(finding), problem_code_name(problem));
    EXPECT_EQ(as_problem_code(finding), problem);
  }
  // Codes only findings have are no reason for a chip to fail.
  EXPECT_EQ(as_problem_code(FindingCode::kStrayArchive), std::nullopt);
  EXPECT_EQ(as_problem_code(FindingCode::kVerdictMissing), std::nullopt);
}

TEST(Codes, NamesThatAreNoCodeAreRefused) {
  for (const char* name :
       {"", "Expired", "expired ", "issuer-untrusted", "stray_archive_", "unknown"}) {
    EXPECT_EQ(parse_problem_code(name), std::nullopt) << name;
    EXPECT_EQ(parse_finding_code(name), std::nullopt) << name;
  }
  // A finding-only name is no problem code.
  EXPECT_EQ(parse_problem_code("stray_archive"), std::nullopt);
  EXPECT_EQ(parse_finding_code("stray_archive"), FindingCode::kStrayArchive);
}

// The verdict reader takes only known problem codes: a verdict whose problem has a name this
// build does not know cannot be judged, so it is refused rather than passed on.
TEST(Codes, TheVerdictReaderRefusesAnUnknownProblemCode) {
  CertificateVerdict v;
  v.archive = "R1_B1_E0E0_Certs.7z";
  v.file = "0A1B2C3D4E5F00010001_E0E0.pem";
  v.chip_id = "0A1B2C3D4E5F00010001";
  v.parsed = true;
  v.problems.push_back(Problem{ProblemCode::kWrongCaFamily, "issued by the RSA CA"});
  const auto bytes = wasm::wire::encode_verdicts(std::span(&v, 1));
  const auto back = wasm::wire::decode_verdicts(bytes);
  ASSERT_TRUE(back.ok()) << back.error().message;
  ASSERT_EQ(back->at(0).problems.size(), 1u);
  EXPECT_EQ(back->at(0).problems[0].code, ProblemCode::kWrongCaFamily);

  // The code travels by name (length + bytes): put another name, with its length, in its place.
  const std::string code = "wrong_ca_family";
  const auto at = std::search(bytes.begin(), bytes.end(), code.begin(), code.end());
  ASSERT_NE(at, bytes.end());
  const auto offset = static_cast<std::size_t>(at - bytes.begin());
  for (const std::string name : {"wrong_ca_famly", "", "stray_archive"}) {
    std::vector<std::uint8_t> damaged(bytes.begin(),
                                      bytes.begin() + static_cast<std::ptrdiff_t>(offset) - 4);
    for (int i = 0; i < 4; ++i)
      damaged.push_back(static_cast<std::uint8_t>(name.size() >> (8 * i)));
    damaged.insert(damaged.end(), name.begin(), name.end());
    damaged.insert(damaged.end(), at + static_cast<std::ptrdiff_t>(code.size()), bytes.end());
    const auto read = wasm::wire::decode_verdicts(damaged);
    ASSERT_FALSE(read.ok()) << name;
    EXPECT_EQ(read.error().code, ErrorCode::kBadInput);
    EXPECT_NE(read.error().message.find("verdict 1 with an unknown problem code \"" + name + "\""),
              std::string::npos)
        << read.error().message;
  }
}

// docs/errors.md's "## Codes" section against the table: every code documented once, with the
// table's severities and words, and nothing the table no longer has.
namespace {

struct DocRow {
  std::vector<std::string> cells;
};

std::string trim_cell(std::string s) {
  const auto b = s.find_first_not_of(' ');
  const auto e = s.find_last_not_of(' ');
  s = b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
  if (s.size() >= 2 && s.front() == '`' && s.back() == '`') s = s.substr(1, s.size() - 2);
  return s;
}

// The rows of the tables under `heading` (a "### " heading inside "## Codes") whose first cell
// is a code (in backquotes).
std::vector<DocRow> doc_rows(const std::string& doc, const std::string& heading) {
  std::vector<DocRow> rows;
  const auto codes = doc.find("\n## Codes\n");
  if (codes == std::string::npos) return rows;
  const auto start = doc.find("\n### " + heading, codes);
  if (start == std::string::npos) return rows;
  auto end = doc.find("\n##", start + 1);
  if (end == std::string::npos) end = doc.size();
  std::istringstream lines(doc.substr(start, end - start));
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("| `")) continue;
    DocRow row;
    std::string cell;
    for (std::size_t i = 1; i < line.size(); ++i) {
      if (line[i] == '|') {
        row.cells.push_back(trim_cell(cell));
        cell.clear();
      } else {
        cell += line[i];
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string severities_text(Severities set) {
  std::string out;
  for (Severity s : kAllSeverities)
    if (allows(set, s)) out += (out.empty() ? "" : " or ") + std::string(severity_name(s));
  return out;
}

} // namespace

TEST(CodesDoc, EveryCodeIsDocumentedAsInTheTableAndNothingElse) {
  std::ifstream in(std::string(REELCHECK_SOURCE_DIR) + "/docs/errors.md");
  ASSERT_TRUE(in) << "docs/errors.md not found";
  const std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

  const auto findings = doc_rows(doc, "Findings");
  ASSERT_EQ(findings.size(), kFindingCodes.size())
      << "docs/errors.md lists " << findings.size() << " finding codes, the table "
      << kFindingCodes.size();
  std::set<std::string> documented;
  for (const auto& row : findings) {
    ASSERT_EQ(row.cells.size(), 4u) << row.cells.front();
    const std::string& name = row.cells[0];
    EXPECT_TRUE(documented.insert(name).second) << name << " is documented twice";
    const auto code = parse_finding_code(name);
    ASSERT_TRUE(code.has_value()) << name << " is documented but is no code (stale)";
    const FindingCodeInfo& info = *finding_code_info(*code);
    EXPECT_EQ(row.cells[1], severities_text(info.severities)) << name;
    EXPECT_EQ(row.cells[2], info.words) << name;
    EXPECT_EQ(row.cells[3], info.problem ? "yes" : "no") << name;
  }

  const auto errors = doc_rows(doc, "Errors");
  ASSERT_EQ(errors.size(), kErrorCodes.size())
      << "docs/errors.md lists " << errors.size() << " error codes, the table "
      << kErrorCodes.size();
  documented.clear();
  for (const auto& row : errors) {
    ASSERT_EQ(row.cells.size(), 3u) << row.cells.front();
    const std::string& name = row.cells[0];
    EXPECT_TRUE(documented.insert(name).second) << name << " is documented twice";
    const auto code = parse_error_code(name);
    ASSERT_TRUE(code.has_value()) << name << " is documented but is no code (stale)";
    EXPECT_EQ(row.cells[1], error_code_info(*code)->title) << name;
    EXPECT_EQ(row.cells[2], error_code_info(*code)->text) << name;
  }
}

// The page's words come from here (codeTable()): every code has some, and the JSON holds every
// code with the table's words.
TEST(CodesDoc, TheCodeTableJsonHoldsEveryCodeWithItsWords) {
  const auto table = nlohmann::json::parse(code_table_json());
  ASSERT_EQ(table.at("findings").size(), kFindingCodes.size());
  for (std::size_t i = 0; i < kFindingCodes.size(); ++i) {
    const auto& row = table.at("findings")[i];
    EXPECT_EQ(row.at("code").get<std::string>(), kFindingCodes[i].name);
    EXPECT_EQ(row.at("words").get<std::string>(), kFindingCodes[i].words);
    EXPECT_FALSE(kFindingCodes[i].words.empty()) << kFindingCodes[i].name;
    EXPECT_FALSE(row.at("severities").empty()) << kFindingCodes[i].name;
  }
  ASSERT_EQ(table.at("errors").size(), kErrorCodes.size());
  for (const auto& row : table.at("errors")) {
    EXPECT_TRUE(parse_error_code(row.at("code").get<std::string>()).has_value());
    EXPECT_FALSE(row.at("title").get<std::string>().empty());
    EXPECT_FALSE(row.at("text").get<std::string>().empty());
  }
  EXPECT_EQ(table.at("statuses").size(), 3u);
  for (const auto& row : table.at("statuses")) { // the chip table's label and the detail's words
    EXPECT_FALSE(row.at("label").get<std::string>().empty());
    EXPECT_FALSE(row.at("words").get<std::string>().empty());
  }
  ASSERT_EQ(table.at("archives").size(), 4u);
  EXPECT_EQ(table.at("archives")[3].at("words").get<std::string>(),
            "the keys archive (\u2026_keys.7z)");
  EXPECT_EQ(table.at("errors")[0].at("text").get<std::string>().find("sealed letter") !=
                std::string::npos,
            true);
}
