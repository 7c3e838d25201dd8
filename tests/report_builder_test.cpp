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
    out.push_back(std::string(problem_code_name(r.code)));
  return out;
}

// The bundle the verdicts answer: one certificate file per verdict (what the verifiers were
// given), so that the builder's hand-off check sees every verdict accounted for.
Report build(Bundle b, const std::vector<CertificateVerdict>& verdicts,
             ReportOptions options = {}) {
  for (const auto& v : verdicts)
    b.certificates.push_back(CertificateFile{v.archive, v.file, v.slot, {}});
  return build_report(b, verdicts, TrustStore::empty(), options);
}

std::vector<std::string> finding_codes(const Report& r) {
  std::vector<std::string> out;
  for (const auto& f : r.findings)
    out.push_back(std::string(finding_code_name(f.code)));
  return out;
}

} // namespace

TEST(ReportBuilder, ChipsWithSecretsAndAllCertificatesAreOk_CertificatesAloneAreExtra) {
  auto verdicts = full_set(kA);
  for (auto& v : full_set(kC))
    verdicts.push_back(v);
  const Report r = build(bundle_with_secrets({kA}), verdicts);
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
  const Report r = build(bundle_with_secrets({kA, kB}), verdicts);
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
  const Report r = build(bundle_with_secrets({kA, kB}), verdicts);
  for (const auto& id : {kA, kB}) {
    EXPECT_EQ(chip(r, id).status, ChipStatus::kFailed);
    EXPECT_EQ(reason_codes(chip(r, id)), std::vector<std::string>{"shared_public_key"});
  }
  EXPECT_NE(chip(r, kA).reasons[0].message.find(kB + "/E0E1"), std::string::npos);
}

// Each user of a shared key names every other user, in the report's order of certificates (by
// archive, then file: A/E0E0, C/E0E1, B/E0E2 below, whatever order they came in); two keys shared
// at once make two groups, and a certificate that was not parsed has no key to share.
TEST(ReportBuilder, EachUserOfASharedKeyNamesTheOthersInOrder) {
  std::vector<CertificateVerdict> verdicts;
  for (const auto& id : {kA, kB, kC})
    for (auto& v : full_set(id))
      verdicts.push_back(v);
  // A/E0E0, B/E0E2 and C/E0E1 share one key; A/E0E2 and C/E0E2 another.
  verdicts[5].public_key_sha256 = verdicts[7].public_key_sha256 = verdicts[0].public_key_sha256;
  verdicts[8].public_key_sha256 = verdicts[2].public_key_sha256;
  verdicts[3].parsed = false; // B/E0E0: not parsed, with A/E0E1's key left in it
  verdicts[3].public_key_sha256 = verdicts[1].public_key_sha256;
  const Report r = build(bundle_with_secrets({kA, kB, kC}), verdicts);
  auto problems_of = [&](const std::string& id, Slot slot) {
    std::vector<std::string> out;
    for (const auto& p : chip(r, id).certificates[static_cast<std::size_t>(slot)]->problems)
      if (p.code == ProblemCode::kSharedPublicKey) out.push_back(p.message);
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(problems_of(kA, Slot::kE0E0),
            V{"public key also used by " + kC + "/E0E1, " + kB + "/E0E2"});
  EXPECT_EQ(problems_of(kB, Slot::kE0E2),
            V{"public key also used by " + kA + "/E0E0, " + kC + "/E0E1"});
  EXPECT_EQ(problems_of(kC, Slot::kE0E1),
            V{"public key also used by " + kA + "/E0E0, " + kB + "/E0E2"});
  EXPECT_EQ(problems_of(kA, Slot::kE0E2), V{"public key also used by " + kC + "/E0E2"});
  EXPECT_EQ(problems_of(kC, Slot::kE0E2), V{"public key also used by " + kA + "/E0E2"});
  EXPECT_EQ(problems_of(kA, Slot::kE0E1), V{}); // its key's other holder was not parsed
  EXPECT_EQ(problems_of(kB, Slot::kE0E1), V{});
}

TEST(ReportBuilder, KeyFileFindingsFailTheirChipWithFileAndLine) {
  Bundle b = bundle_with_secrets({kA});
  b.pbs.findings.push_back(Finding{Severity::kError, FindingCode::kBadKeyLine, "PBS_keys.txt", 7,
                                   kB, "key is 32 bytes, expected 64"});
  auto verdicts = full_set(kA);
  for (auto& v : full_set(kB))
    verdicts.push_back(v);
  const Report r = build(b, verdicts);
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
  const auto j1 = report_to_json(build(b, verdicts, opts));
  const auto j2 = report_to_json(build(b, reversed, opts));
  EXPECT_EQ(j1, j2);
  EXPECT_EQ(j1.find("1111111111"), std::string::npos);
  const auto parsed = nlohmann::json::parse(j1);
  EXPECT_EQ(parsed["check_time"], "2026-06-01T00:00:00Z");
  EXPECT_EQ(parsed["chips"][0]["pbs"]["present"], true);
  EXPECT_FALSE(parsed["chips"][0]["pbs"].contains("value"));

  const auto with = report_to_json(build(b, verdicts, {0, true}));
  EXPECT_EQ(nlohmann::json::parse(with)["chips"][0]["pbs"]["value"], std::string(128, '1'));
  const auto csv = report_to_csv(build(b, verdicts, {0, true}));
  EXPECT_NE(csv.find(std::string(128, '2')), std::string::npos);
}

// The page keeps the report without secret values and adds them to a copy for an export that
// asks for them: that copy must be the report built with them, byte for byte, also when a key
// file names a chip twice (the last record is the one described) or names a chip no report
// has (a report of another bundle: nothing is added there).
TEST(ReportBuilder, SecretValuesAddedToAReportAreTheReportBuiltWithThem) {
  auto verdicts = full_set(kA);
  for (auto& v : full_set(kB))
    verdicts.push_back(v);
  Bundle b = bundle_with_secrets({kA, kB, kC});
  b.pbs.records.push_back(KeyRecord{kB, SecureBytes(64, 0x33), 9});
  const ReportOptions without{*parse_check_time("2026-06-01"), false};
  const ReportOptions with{*parse_check_time("2026-06-01"), true};
  Report added = build(b, verdicts, without);
  EXPECT_FALSE(added.secrets_included);
  add_secret_values(added, b);
  EXPECT_TRUE(added.secrets_included);
  EXPECT_EQ(report_to_json(added), report_to_json(build(b, verdicts, with)));
  EXPECT_EQ(report_to_csv(added), report_to_csv(build(b, verdicts, with)));
  EXPECT_EQ(chip(added, kB).pbs.value, SecureBytes(64, 0x33));

  Report other = build(bundle_with_secrets({kA}), full_set(kA), without);
  add_secret_values(other, b);
  EXPECT_EQ(other.chips.size(), 1u);
  EXPECT_EQ(other.chips[0].pbs.value, SecureBytes(64, 0x11));
}

TEST(VerdictHandoff, EveryCertificateSentOutGetsItsOwnVerdictInOrder) {
  const auto verdicts = full_set(kA);
  std::vector<CertificateFile> sent;
  for (const auto& v : verdicts)
    sent.push_back(CertificateFile{v.archive, v.file, v.slot, {}});
  EXPECT_FALSE(check_verdicts_answer(sent, verdicts).has_value());

  const auto dropped = check_verdicts_answer(sent, std::span(verdicts).first(2));
  ASSERT_TRUE(dropped.has_value());
  EXPECT_NE(
      dropped->message.find("3 certificates were sent to the verifiers but 2 verdicts came back"),
      std::string::npos)
      << dropped->message;

  auto swapped = verdicts;
  std::swap(swapped[0], swapped[2]);
  const auto mixed = check_verdicts_answer(sent, swapped);
  ASSERT_TRUE(mixed.has_value());
  EXPECT_NE(
      mixed->message.find("certificate 1 was " + verdicts[0].archive + "/" + verdicts[0].file),
      std::string::npos)
      << mixed->message;

  auto repeated = verdicts;
  repeated[1] = repeated[0]; // a verifier answering one certificate twice, another never
  EXPECT_TRUE(check_verdicts_answer(sent, repeated).has_value());
}

TEST(ReportBuilder, ACertificateWithoutVerdictIsAnErrorNeverOk) {
  auto verdicts = full_set(kA);
  Bundle b = bundle_with_secrets({kA});
  for (const auto& v : verdicts)
    b.certificates.push_back(CertificateFile{v.archive, v.file, v.slot, {}});
  verdicts.pop_back(); // the E0E2 verdict got lost on the way
  const Report r = build_report(b, verdicts, TrustStore::empty(), {});
  EXPECT_FALSE(r.all_ok());
  const auto codes = finding_codes(r);
  EXPECT_NE(std::find(codes.begin(), codes.end(), "verdict_missing"), codes.end());
  EXPECT_EQ(chip(r, kA).status, ChipStatus::kFailed);
}

TEST(ReportBuilder, AVerdictForNoCertificateOrTwiceIsAnError) {
  auto verdicts = full_set(kA);
  Bundle b = bundle_with_secrets({kA});
  for (const auto& v : verdicts)
    b.certificates.push_back(CertificateFile{v.archive, v.file, v.slot, {}});
  verdicts.push_back(verdicts[0]); // answered twice
  auto stray = good(kB, Slot::kE0E0, "other");
  verdicts.push_back(stray); // never sent out
  const Report r = build_report(b, verdicts, TrustStore::empty(), {});
  EXPECT_FALSE(r.all_ok());
  EXPECT_TRUE(std::any_of(r.findings.begin(), r.findings.end(), [&](const Finding& f) {
    return f.code == FindingCode::kVerdictUnexpected && f.file == stray.archive + "/" + stray.file;
  }));
  const auto codes = finding_codes(r);
  EXPECT_EQ(std::count(codes.begin(), codes.end(), "verdict_unexpected"), 2);
  EXPECT_EQ(r.find_chip(kB), nullptr); // a stray verdict makes no chip
}

// An archive may list one name twice: each copy is sent out and needs a verdict of its own.
TEST(ReportBuilder, ACertificateSentTwiceNeedsTwoVerdicts) {
  const auto verdicts = full_set(kA);
  Bundle b = bundle_with_secrets({kA});
  for (const auto& v : verdicts)
    b.certificates.push_back(CertificateFile{v.archive, v.file, v.slot, {}});
  b.certificates.push_back(b.certificates.front());
  auto codes_with = [&](std::vector<CertificateVerdict> answered) {
    return finding_codes(build_report(b, std::move(answered), TrustStore::empty(), {}));
  };
  auto twice = verdicts;
  twice.push_back(verdicts.front());
  const auto both = codes_with(twice);
  EXPECT_EQ(std::count(both.begin(), both.end(), "verdict_missing"), 0);
  EXPECT_EQ(std::count(both.begin(), both.end(), "verdict_unexpected"), 0);
  const auto once = codes_with(verdicts);
  EXPECT_EQ(std::count(once.begin(), once.end(), "verdict_missing"), 1);
  twice.push_back(verdicts.front());
  const auto thrice = codes_with(twice);
  EXPECT_EQ(std::count(thrice.begin(), thrice.end(), "verdict_unexpected"), 1);
}

// A verdict that failed without saying why (not parsed, no problems: only a faulty or tampered
// verifier answers like that) must not let its chip pass: the chip's status comes from its
// certificates' ok() as well as from its reasons, and the report names the missing reason.
TEST(ReportBuilder, AFailedVerdictWithoutProblemsFailsItsChip) {
  auto verdicts = full_set(kA);
  for (auto& v : full_set(kC))
    verdicts.push_back(v);
  verdicts[1].parsed = false; // A/E0E1: failed, but no problem listed
  verdicts[5].parsed = false; // C/E0E2: the same on a chip without secrets (extra)
  ASSERT_TRUE(verdicts[1].problems.empty());
  ASSERT_FALSE(verdicts[1].ok());
  const Report r = build(bundle_with_secrets({kA}), verdicts);
  for (const auto& id : {kA, kC}) {
    const auto& c = chip(r, id);
    EXPECT_EQ(c.status, ChipStatus::kFailed) << id;
    EXPECT_EQ(reason_codes(c), std::vector<std::string>{"unparsable"}) << id;
    ASSERT_FALSE(c.reasons.empty());
    EXPECT_NE(c.reasons[0].message.find("gives no reason"), std::string::npos)
        << c.reasons[0].message;
  }
  EXPECT_EQ(r.counts.ok, 0u);
  EXPECT_EQ(r.counts.failed, 2u);
  EXPECT_EQ(r.counts.certificates, 6u);
  EXPECT_EQ(r.counts.certificates_ok, 4u);
  const auto codes = finding_codes(r);
  EXPECT_EQ(std::count(codes.begin(), codes.end(), "unparsable"), 2);
  EXPECT_FALSE(r.all_ok());
}

TEST(ReportBuilder, CsvHasOneRowPerChipAndQuotesReasons) {
  auto verdicts = full_set(kA);
  verdicts[0].problems.push_back(Problem{ProblemCode::kExpired, "expired, \"really\""});
  const Report r = build(bundle_with_secrets({kA, kB}), verdicts);
  const auto csv = report_to_csv(r);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 3); // header + 2 chips
  EXPECT_NE(csv.find("\"\"really\"\""), std::string::npos);
  EXPECT_EQ(csv.find(std::string(128, '1')), std::string::npos);
}
