// --certs-only: the cloud team checks the certificates without the reel's letter. The keys
// archive is listed, never opened, no key is asked for, and the report says so.
#include <gtest/gtest.h>

#include "cli_runner.hpp"
#include "fixture_manifest.hpp"
#include "reelcheck/session.hpp"

using namespace reelcheck;
using namespace reelcheck::test;

namespace {

const fs::path kRealBundleDir = REELCHECK_REAL_BUNDLE_DIR;

std::string fixture_file(const std::string& name) {
  return shell_quote((fixtures_dir() / bundle_entry(name)["files"][0].get<std::string>()).string());
}
const std::string kTestPki = " --trust " +
                             shell_quote((fixtures_dir() / "pki/trust.pem").string()) +
                             " --no-default-trust --at 2026-06-01T00:00:00Z";

Result<Report> certificates_only_report(const std::string& name) {
  return verify_fixture_in_session(name, {}, /*certificates_only=*/true);
}

} // namespace

TEST(CertsOnly, TheKeysArchiveIsListedButNotOpenedAndEveryChipNeedsItsThreeCertificates) {
  // `extra` has 3 chips without secrets: without the key files nobody can tell, so they are ok.
  auto report = certificates_only_report("extra");
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_FALSE(report->secrets_checked);
  EXPECT_TRUE(report->all_ok());
  EXPECT_EQ(report->counts.ok, 13u);
  EXPECT_EQ(report->counts.extra, 0u);
  ASSERT_EQ(report->archives.size(), 4u);
  EXPECT_EQ(report->archives.back().kind, InnerArchiveKind::kKeys);
  EXPECT_EQ(report->archives.back().entries, 0u) << "listed, not opened";
  for (const auto& chip : report->chips) {
    EXPECT_FALSE(chip.pbs.present) << chip.chip_id;
    EXPECT_FALSE(chip.auth.present) << chip.chip_id;
  }
  // A keys archive that would be refused (not encrypted) is never looked into.
  auto forged = certificates_only_report("keys_unencrypted");
  ASSERT_TRUE(forged.ok()) << forged.error().message;
  EXPECT_EQ(forged->counts.ok, 20u);
}

TEST(CertsOnly, CertificateFailuresAreFoundAsWithTheKey) {
  auto report = certificates_only_report("mixed");
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_FALSE(report->all_ok());
  const auto& expected = bundle_entry("mixed").at("expected").at("chips");
  for (const auto& [id, want] : expected.items()) {
    const ChipRecord* chip = report->find_chip(id);
    if (chip == nullptr) continue; // a chip with secrets but no certificates is not seen
    std::vector<std::string> codes = want.at("reasons").get<std::vector<std::string>>();
    // Reasons that need the key files cannot show up without them.
    std::erase_if(codes, [](const std::string& c) {
      return c == "missing_secret" || c == "bad_key_line" || c == "duplicate_chip";
    });
    std::sort(codes.begin(), codes.end());
    const std::vector<std::string> got = sorted_codes(chip->reasons);
    if (want.at("status") == "extra") continue; // extra chips get judged like any other
    EXPECT_EQ(got, codes) << id;
  }
}

TEST(CertsOnly, AMissingKeysArchiveIsOnlyAWarning) {
  FixtureInput in = load_fixture("clean_loose");
  std::vector<InputFile> inputs = in.inputs();
  std::erase_if(inputs,
                [](const InputFile& f) { return f.name.find("_keys.7z") != std::string::npos; });
  ASSERT_EQ(inputs.size(), 3u);
  auto bundle = BundleReader().open_certificates_only(inputs);
  ASSERT_TRUE(bundle.ok()) << bundle.error().message;
  ASSERT_EQ(bundle->findings.size(), 1u);
  EXPECT_EQ(bundle->findings[0].code, FindingCode::kMissingArchive);
  EXPECT_EQ(bundle->findings[0].severity, Severity::kWarning);
  // With a key, the same gap fails the bundle.
  auto with_key = BundleReader().open(inputs, view(in.key));
  ASSERT_TRUE(with_key.ok());
  EXPECT_EQ(with_key->findings.at(0).severity, Severity::kError);
}

TEST(CertsOnly, TheCliNeverAsksForAKeyAndRefusesKeyOptionsBesideIt) {
  TempDir tmp;
  // Standard input is closed: a key prompt would fail the run.
  const CliRun run = run_cli("verify " + fixture_file("clean_7z") + kTestPki +
                             " --certs-only --json " + shell_quote((tmp / "r.json").string()));
  ASSERT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(run.out.find("secrets:      not checked (--certs-only)"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("keys (not opened)"), std::string::npos) << run.out;
  const auto report = read_json(tmp / "r.json");
  EXPECT_EQ(report["secrets_checked"], false);
  EXPECT_EQ(report["secrets_included"], false);
  EXPECT_EQ(report["counts"]["ok"], 20);
  EXPECT_EQ(report["chips"][0]["pbs"]["present"], false);

  const std::string key =
      " --key-file " +
      shell_quote(
          (fixtures_dir() / bundle_entry("clean_7z")["key_file"].get<std::string>()).string());
  EXPECT_EQ(
      run_cli("verify " + fixture_file("clean_7z") + kTestPki + " --certs-only" + key).exit_code,
      64);
  EXPECT_EQ(
      run_cli("verify " + fixture_file("clean_7z") + kTestPki + " --certs-only --include-secrets")
          .exit_code,
      64);
  // A failing reel still exits 1, as with the key.
  EXPECT_EQ(
      run_cli("verify " + fixture_file("mixed") + kTestPki + " --certs-only --quiet").exit_code, 1);
}

TEST(CertsOnly, LookupAnswersWithoutTheKey) {
  const std::string chip = bundle_entry("clean_7z")["sample_uid"]["uid"].get<std::string>();
  const CliRun run = run_cli("lookup " + fixture_file("clean_7z") + kTestPki +
                             " --certs-only --quiet --chip " + chip);
  EXPECT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(run.out.find("status: ok"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("platform binding secret (PBS): missing"), std::string::npos) << run.out;
}

// The real bundle (200 chips; its transport key is not public): every certificate verifies
// under the four embedded Infineon CAs, without a key.
TEST(CertsOnly, TheRealBundleVerifiesWithoutItsKey) {
  const fs::path bundle = kRealBundleDir / "78211223032C7EFA_bundle.7z";
  if (!fs::exists(bundle)) GTEST_SKIP() << "the real bundle is not at " << bundle;
  TempDir tmp;
  const CliRun run =
      run_cli("verify " + shell_quote(bundle.string()) + " --certs-only --at 2026-06-01 --json " +
              shell_quote((tmp / "real.json").string()));
  ASSERT_EQ(run.exit_code, 0) << run.out;
  const auto report = read_json(tmp / "real.json");
  EXPECT_EQ(report["reel_id"], "78211223032C7EFA");
  EXPECT_EQ(report["secrets_checked"], false);
  EXPECT_EQ(report["counts"]["chips"], 200);
  EXPECT_EQ(report["counts"]["ok"], 200);
  EXPECT_EQ(report["counts"]["certificates"], 600);
  EXPECT_EQ(report["counts"]["certificates_ok"], 600);
  EXPECT_EQ(report["verdict"], "ok");
  // Without --certs-only the same bundle asks for its key, and a wrong one is refused.
  const CliRun keyed =
      run_cli("verify " + shell_quote(bundle.string()) + " --key-env RC_NOT_THE_KEY",
              "RC_NOT_THE_KEY=TK-0000-0000-0000");
  EXPECT_EQ(keyed.exit_code, 2) << keyed.out;
  EXPECT_NE(keyed.out.find("wrong transport key"), std::string::npos) << keyed.out;
}
