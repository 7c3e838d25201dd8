// Secrets written out (a report with --include-secrets, a lookup answer, the page's export)
// leave no copy behind: the writers build their text in wiping buffers and write each secret's
// hex straight into them, so no temporary string and no outgrown buffer is freed holding it.
#include <gtest/gtest.h>

#include "fixture_manifest.hpp"
#include "native/secret_watch.hpp"
#include "reelcheck/hex.hpp"
#include "reelcheck/lookup.hpp"
#include "summary.hpp"

using namespace reelcheck;
using namespace reelcheck::test;

namespace {

Result<Report> report_with_secrets(const std::string& name) {
  const FixtureInput in = load_fixture(name);
  const auto inputs = in.inputs();
  auto bundle = BundleReader().open(inputs, view(in.key));
  if (!bundle) return bundle.error();
  const TrustStore trust = fixture_trust();
  const ChainVerifier verifier(trust);
  std::vector<CertificateVerdict> verdicts;
  for (const auto& cert : bundle->certificates)
    verdicts.push_back(verifier.verify(cert, fixture_check_time()));
  return build_report(*bundle, std::move(verdicts), trust, {fixture_check_time(), true});
}

} // namespace

TEST(SecretOutputWipes, ReportsLookupsAndChipTextLeaveNoUnwipedCopyOfASecret) {
  auto report = report_with_secrets("clean_7z");
  ASSERT_TRUE(report.ok()) << report.error().message;
  ASSERT_TRUE(report->secrets_included);
  const ChipRecord& chip = report->chips.at(report->chips.size() / 2);
  ASSERT_TRUE(chip.pbs.present);
  // The first 24 bytes of the PBS as the writers spell them (uppercase hex): any copy of the
  // value, whole or the part written before a buffer grew, contains it.
  const std::string needle = to_hex(as_bytes(chip.pbs.value).first(24), /*upper=*/true);
  bool written[5] = {};
  SecretWatch watch(needle);
  {
    const SecureString json = report_to_json(*report);
    written[0] = std::string_view(json).find(needle) != std::string_view::npos;
  }
  {
    const SecureString csv = report_to_csv(*report);
    written[1] = std::string_view(csv).find(needle) != std::string_view::npos;
  }
  {
    const SecureString one = chip_to_json(chip, /*include_secrets=*/true);
    written[2] = std::string_view(one).find(needle) != std::string_view::npos;
  }
  {
    const LookupAnswer answer = look_up_chip(*report, chip.chip_id);
    const SecureString line = lookup_answer_to_json_line(answer, /*include_secrets=*/true);
    written[3] = std::string_view(line).find(needle) != std::string_view::npos;
  }
  {
    const SecureString text = cli::render_chip(chip, /*include_secrets=*/true);
    written[4] = std::string_view(text).find(needle) != std::string_view::npos;
  }
  watch.stop();
  for (bool w : written)
    EXPECT_TRUE(w) << "every writer was asked for the secrets and must have written them";
  EXPECT_EQ(watch.freed_unwiped(), 0) << "a buffer holding a secret was freed without a wipe";
  EXPECT_GE(watch.wiped(), 5) << "each writer's final text is wiped";
}
