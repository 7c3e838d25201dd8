// Every fixture bundle (made by 7zz and openssl) through the whole core pipeline, against the
// outcome the fixture script planted.
#include <gtest/gtest.h>

#include "fixture_manifest.hpp"
#include "util/hex.hpp"

using namespace reelcheck;
using namespace reelcheck::test;

namespace {

class FixtureBundle : public ::testing::TestWithParam<std::string> {};

TEST_P(FixtureBundle, VerdictsMatchWhatWasPlanted) {
  const std::string name = GetParam();
  const auto& expected = bundle_entry(name).at("expected");
  auto report = verify_fixture(name);
  // Every finding has a severity the code table allows it (reelcheck/codes.hpp, docs/errors.md).
  if (report.ok()) {
    for (const auto& f : report->findings) {
      EXPECT_TRUE(allows(finding_code_info(f.code)->severities, f.severity))
          << finding_code_name(f.code) << " reported as " << severity_name(f.severity);
    }
  }
  if (!expected.at("error").is_null()) {
    const std::string want = expected.at("error").get<std::string>();
    if (want == "missing_archive") {
      // Not unusable input: the rest is still verified, the gap is a finding.
      ASSERT_TRUE(report.ok()) << report.error().message;
      EXPECT_EQ(report->missing_archives,
                std::vector<InnerArchiveKind>{InnerArchiveKind::kE0E1Certs});
      EXPECT_FALSE(report->all_ok());
      for (const auto& chip : report->chips) {
        EXPECT_EQ(chip.status, ChipStatus::kFailed);
        EXPECT_EQ(sorted_codes(chip.reasons), std::vector<std::string>{"missing_certificate"});
      }
      return;
    }
    ASSERT_FALSE(report.ok()) << name << " should fail with " << want;
    EXPECT_EQ(error_code_name(report.error().code), want) << report.error().message;
    EXPECT_FALSE(report.error().message.empty());
    return;
  }
  ASSERT_TRUE(report.ok()) << report.error().message;
  expect_matches_manifest(*report, expected);
  EXPECT_EQ(report->counts.certificates,
            bundle_entry(name).at("certificate_count").get<std::size_t>());
  EXPECT_EQ(report->reel_id, bundle_entry(name).at("reel_id").get<std::string>());
  EXPECT_EQ(report->batch_id, bundle_entry(name).at("batch_id").get<std::string>());
}

// Named here, not read from the manifest: ctest lists the tests before the fixture script has
// run. ManifestAndListAgree keeps the two in step.
// clang-format off
const std::vector<std::string> kSmallBundles = {
    "aws_small",        "bad_key_lines",          "clean_7z",             "clean_loose",
    "clean_zip",        "clean_zip_stored",       "crc_mismatch",         "extra",
    "fleet_a",          "fleet_b",                "fleet_c",              "keys_mixed",
    "keys_second_pair", "keys_unencrypted",       "keys_unencrypted_loose",
    "keys_unencrypted_zip",                       "missing_archive",      "mixed",
    "not_a_bundle",     "orphan_secrets",         "plain_headers",        "quirky_keys",
    "traversal",        "truncated",              "truncated_inner",      "wrong_key"};
// clang-format on

TEST(FixtureBundleList, ManifestAndListAgree) {
  std::vector<std::string> in_manifest;
  for (const auto& [name, entry] : manifest().at("bundles").items())
    if (name != "big" && name != "bomb") in_manifest.push_back(name);
  std::sort(in_manifest.begin(), in_manifest.end());
  std::vector<std::string> listed = kSmallBundles;
  std::sort(listed.begin(), listed.end());
  EXPECT_EQ(in_manifest, listed);
}

INSTANTIATE_TEST_SUITE_P(All, FixtureBundle, ::testing::ValuesIn(kSmallBundles),
                         [](const auto& info) { return info.param; });

TEST(FixtureBundleSecrets, DecryptedSecretsEqualWhatWasPacked) {
  const FixtureInput in = load_fixture("clean_7z");
  const auto inputs = in.inputs();
  auto bundle = BundleReader().open(inputs, view(in.key));
  ASSERT_TRUE(bundle.ok()) << bundle.error().message;
  const Bytes csv =
      read_file(fixtures_dir() / bundle_entry("clean_7z").at("secrets_file").get<std::string>());
  const std::string text(csv.begin(), csv.end());
  ASSERT_EQ(bundle->pbs.records.size(), 20u);
  for (const auto& record : bundle->pbs.records) {
    const std::string hex = detail::to_hex(as_bytes(record.key), true);
    // The CSV holds chip,pbs,auth in some case; compare case-insensitively.
    std::string upper = text;
    for (char& c : upper)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_NE(upper.find(record.chip_id), std::string::npos);
    EXPECT_NE(upper.find(hex), std::string::npos) << record.chip_id;
  }
}

TEST(FixtureBundleSecrets, WrongKeyGivesOneClearErrorAndNothingElse) {
  FixtureInput in = load_fixture("wrong_key");
  const auto inputs = in.inputs();
  auto bundle = BundleReader().open(inputs, view(in.key));
  ASSERT_FALSE(bundle.ok());
  EXPECT_EQ(bundle.error().code, ErrorCode::kWrongKey);
  EXPECT_NE(bundle.error().message.find("wrong transport key"), std::string::npos);
  // No key at all: asked for, not guessed.
  auto none = BundleReader().open(inputs, ByteView{});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, ErrorCode::kPasswordRequired);
}

TEST(FixtureBundleSecrets, KeyWithSurroundingWhitespaceStillOpens) {
  FixtureInput in = load_fixture("clean_7z");
  Bytes padded = {' ', '\t'};
  padded.insert(padded.end(), in.key.begin(), in.key.end());
  padded.push_back('\r');
  padded.push_back('\n');
  const auto inputs = in.inputs();
  EXPECT_TRUE(BundleReader().open(inputs, view(padded)).ok());
}

TEST(FixtureBundleSecrets, AKeyOver256BytesIsRefusedBeforeAnyKeyDerivation) {
  FixtureInput in = load_fixture("clean_7z");
  const auto inputs = in.inputs();
  // 256 bytes after trimming is still a key (a wrong one here); 257 is not.
  Bytes at_limit(2, ' ');
  at_limit.insert(at_limit.end(), kMaxTransportKeySize, 'K');
  at_limit.push_back('\n');
  auto wrong = BundleReader().open(inputs, view(at_limit));
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, ErrorCode::kWrongKey) << wrong.error().message;

  const Bytes over(kMaxTransportKeySize + 1, 'K');
  Limits no_hashing; // a key derivation would exceed this budget: the bound comes first
  no_hashing.max_bundle_key_bytes = 0;
  auto refused = BundleReader(no_hashing).open(inputs, view(over));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kBadInput);
  EXPECT_EQ(refused.error().message,
            "the transport key is longer than 256 bytes (257): that is not the key from a reel's "
            "letter; check that the key file or variable holds only the key");
}

// The page derives the keys archive's AES key on an idle verifier while the bundle is still being
// unpacked (derive_keys_archive_key); the coordinator's read then skips its half a million
// SHA-256 rounds. The key is a hint only: whatever it is, the answer is the transport key's.
class KeyDerivedAhead : public ::testing::Test {
protected:
  FixtureInput in_ = load_fixture("clean_loose");
  KeysArchiveJob job_;

  void SetUp() override {
    for (std::size_t i = 0; i < in_.names.size(); ++i)
      if (in_.names[i].ends_with("_keys.7z"))
        job_ = {in_.names[i], "R2400017", view(in_.contents[i]), {}};
    ASSERT_FALSE(job_.bytes.empty());
  }

  static std::vector<std::string> secrets(const KeyFiles& keys) {
    std::vector<std::string> out;
    for (const auto* file : {&keys.pbs, &keys.auth})
      for (const auto& record : file->records)
        out.push_back(record.chip_id + ":" + detail::to_hex(as_bytes(record.key), true));
    return out;
  }
};

TEST_F(KeyDerivedAhead, OpensTheKeysArchiveWithoutDerivingItThere) {
  auto derived = derive_keys_archive_key(view(in_.key));
  ASSERT_TRUE(derived.ok()) << derived.error().message;
  EXPECT_EQ(derived->cycles_power, 19u);
  EXPECT_EQ(derived->key.size(), 32u);
  auto plain = read_keys_archive(job_, view(in_.key));
  auto given = read_keys_archive(job_, view(in_.key), *derived);
  ASSERT_TRUE(plain.ok()) << plain.error().message;
  ASSERT_TRUE(given.ok()) << given.error().message;
  EXPECT_FALSE(plain->key_given);
  EXPECT_TRUE(given->key_given) << "the archive's key was derived again";
  EXPECT_EQ(secrets(*given), secrets(*plain));
  EXPECT_EQ(secrets(*plain).size(), 40u);
}

TEST_F(KeyDerivedAhead, IsDerivedFromTheKeyAsTheArchiveTakesIt) {
  Bytes padded = {' ', '\t'};
  padded.insert(padded.end(), in_.key.begin(), in_.key.end());
  padded.push_back('\n');
  auto a = derive_keys_archive_key(view(in_.key));
  auto b = derive_keys_archive_key(view(padded));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->key, b->key);
  auto given = read_keys_archive(job_, view(padded), *b);
  ASSERT_TRUE(given.ok()) << given.error().message;
  EXPECT_TRUE(given->key_given);

  EXPECT_EQ(derive_keys_archive_key(view(" \n")).error().code, ErrorCode::kPasswordRequired);
  const Bytes over(kMaxTransportKeySize + 1, 'K');
  EXPECT_EQ(derive_keys_archive_key(view(over)).error().code, ErrorCode::kBadInput);
  const Bytes not_utf8{'K', 0xC3, 0x28};
  EXPECT_EQ(derive_keys_archive_key(view(not_utf8)).error().code, ErrorCode::kBadInput);
}

// A key derived from another transport key (the field changed, a faulty worker) costs the read a
// derivation of its own, never a different answer: right key -> the secrets, wrong key -> the
// wrong-key error, each with any hint.
TEST_F(KeyDerivedAhead, AHintFromAnotherKeyNeverChangesTheAnswer) {
  const auto other = derive_keys_archive_key(view("another transport key"));
  ASSERT_TRUE(other.ok());
  auto right = read_keys_archive(job_, view(in_.key), *other);
  ASSERT_TRUE(right.ok()) << right.error().message;
  EXPECT_FALSE(right->key_given);
  EXPECT_EQ(secrets(*right), secrets(*read_keys_archive(job_, view(in_.key))));

  const std::string wrong = "not the transport key";
  const auto expected = read_keys_archive(job_, view(wrong));
  ASSERT_FALSE(expected.ok());
  EXPECT_EQ(expected.error().code, ErrorCode::kWrongKey);
  const auto own = derive_keys_archive_key(view(wrong));
  const auto right_one = derive_keys_archive_key(view(in_.key));
  ASSERT_TRUE(own.ok() && right_one.ok());
  for (const SevenZipKey* hint : {&*other, &*own, &*right_one}) {
    auto got = read_keys_archive(job_, view(wrong), *hint);
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().code, expected.error().code);
    EXPECT_EQ(got.error().message, expected.error().message);
  }
}

// Secrets must come out of the keys archive's AES-encrypted folders: anything an attacker can
// write without the transport key is refused, naming the entry, and no secret is handed out.
TEST(FixtureBundleKeys, KeyFilesMustBeEncryptedWithTheTransportKey) {
  for (const char* name : {"keys_unencrypted", "keys_unencrypted_zip", "keys_unencrypted_loose"}) {
    SCOPED_TRACE(name);
    FixtureInput in = load_fixture(name);
    const auto inputs = in.inputs();
    auto bundle = BundleReader().open(inputs, view(in.key));
    ASSERT_FALSE(bundle.ok());
    EXPECT_EQ(bundle.error().code, ErrorCode::kKeysNotEncrypted);
    EXPECT_NE(bundle.error().message.find("_keys.7z: PBS_keys.txt is not encrypted with the "
                                          "transport key"),
              std::string::npos)
        << bundle.error().message;
  }
  FixtureInput mixed = load_fixture("keys_mixed");
  auto bundle = BundleReader().open(mixed.inputs(), view(mixed.key));
  ASSERT_FALSE(bundle.ok());
  EXPECT_EQ(bundle.error().code, ErrorCode::kKeysNotEncrypted);
  EXPECT_NE(bundle.error().message.find("a/PBS_keys.txt is not encrypted"), std::string::npos)
      << bundle.error().message;
}

TEST(FixtureBundleKeys, ASecondPairOfKeyFilesIsAnErrorNotAWarning) {
  FixtureInput in = load_fixture("keys_second_pair");
  auto bundle = BundleReader().open(in.inputs(), view(in.key));
  ASSERT_FALSE(bundle.ok());
  EXPECT_EQ(bundle.error().code, ErrorCode::kDuplicateKeyFile);
  EXPECT_NE(bundle.error().message.find("holds two PBS_keys.txt files"), std::string::npos)
      << bundle.error().message;
}

TEST(FixtureBundleReport, SameBundleSameJsonWhateverTheOuterFormat) {
  auto a = verify_fixture("clean_7z");
  auto b = verify_fixture("clean_zip");
  auto c = verify_fixture("clean_loose");
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  // Only the inputs list differs between the three forms of the same reel.
  a->inputs = b->inputs = c->inputs = {};
  EXPECT_EQ(report_to_json(*a), report_to_json(*b));
  EXPECT_EQ(report_to_json(*a), report_to_json(*c));
}

TEST(FixtureBundleLimits, ATwoGiBEntryIsRefusedBeforeItIsUnpacked) {
  if (!manifest().at("bundles").contains("bomb")) GTEST_SKIP() << "quick fixtures: no bomb";
  auto report = verify_fixture("bomb");
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().code, ErrorCode::kLimitExceeded);
  EXPECT_NE(report.error().message.find("256 MiB"), std::string::npos) << report.error().message;
}

} // namespace

namespace {

// Wraps `inner` in a zip made by 7zz and returns the zip's bytes.
Bytes zip_around(const TempDir& tmp, const std::string& name, const Bytes& inner,
                 const std::string& inner_name) {
  const auto dir = tmp / (name + ".d");
  write_file(dir / inner_name, view(inner));
  const auto zip = tmp / name;
  EXPECT_EQ(run_shell("cd " + shell_quote(dir.string()) + " && 7zz a -tzip -bd -bso0 " +
                      shell_quote(zip.string()) + " " + shell_quote(inner_name)),
            0);
  return read_file(zip);
}

} // namespace

TEST(FixtureBundleNesting, AZipAroundTheDownloadedBundleStillVerifies_DeeperIsRefused) {
  TempDir tmp("reelcheck-nest");
  const FixtureInput clean = load_fixture("clean_7z");
  const Bytes once = zip_around(tmp, "once.zip", clean.contents[0], "R2400017_bundle.7z");
  const Bytes twice = zip_around(tmp, "twice.zip", once, "once.zip");

  const InputFile wrapped{"once.zip", view(once)};
  auto bundle = BundleReader().open(std::span(&wrapped, 1), view(clean.key));
  ASSERT_TRUE(bundle.ok()) << bundle.error().message;
  EXPECT_EQ(bundle->certificates.size(), 60u);
  EXPECT_EQ(bundle->pbs.records.size(), 20u);

  const InputFile deeper{"twice.zip", view(twice)};
  auto refused = BundleReader().open(std::span(&deeper, 1), view(clean.key));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kLimitExceeded);
  EXPECT_NE(refused.error().message.find("nested more than 2 levels"), std::string::npos)
      << refused.error().message;
}

namespace {

std::vector<const Finding*> findings_with(const Report& report, std::string_view code) {
  std::vector<const Finding*> out;
  for (const auto& f : report.findings)
    if (finding_code_name(f.code) == code) out.push_back(&f);
  return out;
}

} // namespace

TEST(FixtureBundleCopies, TheSevenZipAndTheZipOfOneReelAreOneWarningAndVerifiedOnce) {
  const FixtureInput seven = load_fixture("clean_7z");
  const FixtureInput zip = load_fixture("clean_zip");
  std::vector<InputFile> inputs = seven.inputs();
  for (const auto& f : zip.inputs())
    inputs.push_back(f);
  auto report = verify_inputs(inputs, seven.key);
  ASSERT_TRUE(report.ok()) << report.error().message;

  EXPECT_TRUE(findings_with(*report, "duplicate_archive").empty());
  const auto copies = findings_with(*report, "duplicate_bundle");
  ASSERT_EQ(copies.size(), 1u);
  EXPECT_EQ(copies[0]->severity, Severity::kWarning);
  EXPECT_EQ(copies[0]->file, "clean.zip");
  EXPECT_EQ(copies[0]->message, "clean.7z and clean.zip are two copies of one reel " +
                                    bundle_entry("clean_7z").at("reel_id").get<std::string>() +
                                    " (batch " +
                                    bundle_entry("clean_7z").at("batch_id").get<std::string>() +
                                    "): the same 4 archives; verified once");
  // The copies are harmless: the reel verifies as it does alone, each certificate once.
  EXPECT_TRUE(report->all_ok());
  EXPECT_EQ(report->counts.certificates,
            bundle_entry("clean_7z").at("certificate_count").get<std::size_t>());
  EXPECT_EQ(report->counts.ok, 20u);
}

TEST(FixtureBundleCopies, ADifferentArchiveUnderTheSameNameFailsTheReel) {
  const FixtureInput seven = load_fixture("clean_7z");
  const FixtureInput loose = load_fixture("clean_loose");
  // The loose E0E0 archive, one byte longer: the same name, other contents.
  std::size_t e0e0 = 0;
  while (loose.names[e0e0].find("_E0E0_") == std::string::npos)
    ++e0e0;
  Bytes changed = loose.contents[e0e0];
  changed.push_back(0);
  std::vector<InputFile> inputs = seven.inputs();
  inputs.push_back(InputFile{loose.names[e0e0], view(changed)});
  auto report = verify_inputs(inputs, seven.key);
  ASSERT_TRUE(report.ok()) << report.error().message;

  const auto copies = findings_with(*report, "duplicate_bundle");
  ASSERT_EQ(copies.size(), 1u);
  EXPECT_EQ(copies[0]->severity, Severity::kError);
  EXPECT_NE(copies[0]->message.find("but their archives differ; only clean.7z's were verified"),
            std::string::npos)
      << copies[0]->message;
  EXPECT_FALSE(report->all_ok());
}
