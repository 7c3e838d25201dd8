// Cross-chip rules of the report, on synthetic verdicts (the end-to-end bundle tests cover the
// same rules on real bundles made by 7zz and openssl).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "reelcheck/report.hpp"

using namespace reelcheck;

namespace {

const std::string kA = "0A1B2C3D4E5F00010001";
const std::string kB = "0A1B2C3D4E5F00020002";
const std::string kC = "0A1B2C3D4E5F00030003";

CertificateVerdict good(const std::string& chip, Slot slot, const std::string& key) {
  CertificateVerdict v;
  v.archive = "R1_B1_" + std::string(slot_name(slot)) + "_Certs.7z";
  v.file = chip + "_" + std::string(slot_name(slot)) + ".pem";
  v.slot = slot;
  v.chip_id = chip;
  v.parsed = true;
  v.public_key_sha256 = key;
  v.fingerprint_sha256 = "fp-" + v.file;
  return v;
}

KeyRecord secret(const std::string& chip, std::uint8_t fill, std::uint32_t line) {
  return KeyRecord{chip, SecureBytes(64, fill), line};
}

Bundle bundle_with_secrets(std::initializer_list<std::string> chips) {
  Bundle b;
  b.reel_id = "R1";
  b.batch_id = "B1";
  std::uint32_t line = 1;
  for (const auto& c : chips) {
    b.pbs.records.push_back(secret(c, 0x11, line));
    b.auth.records.push_back(secret(c, 0x22, line++));
  }
  b.pbs.name = "PBS_keys.txt";
  b.auth.name = "auto_keys.txt";
  return b;
}

std::vector<CertificateVerdict> full_set(const std::string& chip) {
  return {good(chip, Slot::kE0E0, chip + "-0"), good(chip, Slot::kE0E1, chip + "-1"),
          good(chip, Slot::kE0E2, chip + "-2")};
}

const ChipRecord& chip(const Report& r, const std::string& id) {
  const ChipRecord* c = r.find_chip(id);
  EXPECT_NE(c, nullptr) << id;
  return *c;
}

std::vector<std::string> reason_codes(const ChipRecord& c) {
  std::vector<std::string> out;
  for (const auto& r : c.reasons)
    out.push_back(r.code);
  return out;
}

} // namespace

TEST(ReportBuilder, ChipsWithSecretsAndAllCertificatesAreOk_CertificatesAloneAreExtra) {
  auto verdicts = full_set(kA);
  for (auto& v : full_set(kC))
    verdicts.push_back(v);
  const Report r = build_report(bundle_with_secrets({kA}), verdicts, TrustStore::empty(), {});
  EXPECT_EQ(chip(r, kA).status, ChipStatus::kOk);
  EXPECT_EQ(chip(r, kC).status, ChipStatus::kExtra);
  EXPECT_EQ(r.counts.ok, 1u);
  EXPECT_EQ(r.counts.extra, 1u);
  EXPECT_EQ(r.counts.certificates, 6u);
  EXPECT_TRUE(r.all_ok());
}

TEST(ReportBuilder, SecretsWithoutCertificatesFail) {
  auto verdicts = full_set(kA);
  verdicts.pop_back(); // no E0E2 for A
  const Report r = build_report(bundle_with_secrets({kA, kB}), verdicts, TrustStore::empty(), {});
  EXPECT_EQ(chip(r, kA).status, ChipStatus::kFailed);
  EXPECT_EQ(reason_codes(chip(r, kA)), std::vector<std::string>{"missing_certificate"});
  EXPECT_EQ(chip(r, kB).status, ChipStatus::kFailed);
  EXPECT_EQ(chip(r, kB).reasons.size(), 3u);
  EXPECT_FALSE(r.all_ok());
}

TEST(ReportBuilder, SharedPublicKeysFailBothChips) {
  auto verdicts = full_set(kA);
  for (auto& v : full_set(kB))
    verdicts.push_back(v);
  verdicts[4].public_key_sha256 = verdicts[1].public_key_sha256; // B/E0E1 reuses A/E0E1's key
  const Report r = build_report(bundle_with_secrets({kA, kB}), verdicts, TrustStore::empty(), {});
  for (const auto& id : {kA, kB}) {
    EXPECT_EQ(chip(r, id).status, ChipStatus::kFailed);
    EXPECT_EQ(reason_codes(chip(r, id)), std::vector<std::string>{"shared_public_key"});
  }
  EXPECT_NE(chip(r, kA).reasons[0].message.find(kB + "/E0E1"), std::string::npos);
}

TEST(ReportBuilder, KeyFileFindingsFailTheirChipWithFileAndLine) {
  Bundle b = bundle_with_secrets({kA});
  b.pbs.findings.push_back(Finding{Severity::kError, "bad_key_line", "PBS_keys.txt", 7, kB,
                                   "key is 32 bytes, expected 64"});
  auto verdicts = full_set(kA);
  for (auto& v : full_set(kB))
    verdicts.push_back(v);
  const Report r = build_report(b, verdicts, TrustStore::empty(), {});
  EXPECT_EQ(chip(r, kA).status, ChipStatus::kOk);
  const auto& bad = chip(r, kB);
  EXPECT_EQ(bad.status, ChipStatus::kFailed);
  EXPECT_EQ(reason_codes(bad), std::vector<std::string>{"bad_key_line"});
  EXPECT_NE(bad.reasons[0].message.find("PBS_keys.txt line 7"), std::string::npos);
}

TEST(ReportBuilder, JsonIsDeterministicAndHidesSecretsUnlessAsked) {
  auto verdicts = full_set(kA);
  for (auto& v : full_set(kB))
    verdicts.push_back(v);
  const Bundle b = bundle_with_secrets({kA, kB});
  auto reversed = verdicts;
  std::reverse(reversed.begin(), reversed.end());
  const ReportOptions opts{*parse_check_time("2026-06-01"), false};
  const std::string j1 = report_to_json(build_report(b, verdicts, TrustStore::empty(), opts));
  const std::string j2 = report_to_json(build_report(b, reversed, TrustStore::empty(), opts));
  EXPECT_EQ(j1, j2);
  EXPECT_EQ(j1.find("1111111111"), std::string::npos);
  const auto parsed = nlohmann::json::parse(j1);
  EXPECT_EQ(parsed["check_time"], "2026-06-01T00:00:00Z");
  EXPECT_EQ(parsed["chips"][0]["pbs"]["present"], true);
  EXPECT_FALSE(parsed["chips"][0]["pbs"].contains("value"));

  const std::string with =
      report_to_json(build_report(b, verdicts, TrustStore::empty(), {0, true}));
  EXPECT_EQ(nlohmann::json::parse(with)["chips"][0]["pbs"]["value"], std::string(128, '1'));
  const std::string csv = report_to_csv(build_report(b, verdicts, TrustStore::empty(), {0, true}));
  EXPECT_NE(csv.find(std::string(128, '2')), std::string::npos);
}

TEST(ReportBuilder, VerdictsRoundTripThroughJson) {
  auto verdicts = full_set(kA);
  verdicts[0].problems.push_back(Problem{"expired", "certificate expired on 2021-01-01T00:00:00Z"});
  verdicts[0].chain = {"Test CA", "Test Root"};
  const auto back = verdicts_from_json(verdicts_to_json(verdicts));
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->size(), 3u);
  EXPECT_EQ(verdicts_to_json(*back), verdicts_to_json(verdicts));
  EXPECT_FALSE(verdicts_from_json("{").ok());
  EXPECT_FALSE(verdicts_from_json("[{\"slot\":\"nope\"}]").ok());
}

TEST(ReportBuilder, CsvHasOneRowPerChipAndQuotesReasons) {
  auto verdicts = full_set(kA);
  verdicts[0].problems.push_back(Problem{"expired", "expired, \"really\""});
  const Report r = build_report(bundle_with_secrets({kA, kB}), verdicts, TrustStore::empty(), {});
  const std::string csv = report_to_csv(r);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 3); // header + 2 chips
  EXPECT_NE(csv.find("\"\"really\"\""), std::string::npos);
  EXPECT_EQ(csv.find(std::string(128, '1')), std::string::npos);
}
