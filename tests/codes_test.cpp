// The problem and finding codes: every value has one unique, non-empty name that reads back as
// that value, and the shared names mean the same thing in both enums. A value added without a
// name (or a count not moved along) fails here, before a report could carry "".
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
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
