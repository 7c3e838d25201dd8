// Whole bundles are grouped by the reel their listing names (bundle_reel), so that a .7z and a
// .zip of one reel become one reel in the CLI as they are on the page.
#include <gtest/gtest.h>

#include "fixture_manifest.hpp"
#include "reelcheck/archive.hpp"
#include "reelcheck/reel_inputs.hpp"

using namespace reelcheck;
using namespace reelcheck::test;

namespace {

std::pair<std::string, std::string> manifest_reel(const std::string& name) {
  return {bundle_entry(name).at("reel_id").get<std::string>(),
          bundle_entry(name).at("batch_id").get<std::string>()};
}

} // namespace

TEST(BundleReel, TheListingOfA7zOrZipNamesItsReelWithoutUnpacking) {
  for (const char* name : {"clean_7z", "clean_zip", "clean_zip_stored"}) {
    const FixtureInput in = load_fixture(name);
    ASSERT_EQ(in.inputs().size(), 1u);
    const auto reel = bundle_reel(in.inputs().front());
    ASSERT_TRUE(reel.has_value()) << name;
    EXPECT_EQ(*reel, manifest_reel("clean_7z")) << name;
  }
  // An inner archive lists certificates, not archives: no reel (it is grouped by its own name).
  const FixtureInput loose = load_fixture("clean_loose");
  EXPECT_FALSE(bundle_reel(loose.inputs().front()).has_value());
  const Bytes junk = {'n', 'o', 't', ' ', 'a', 'n', ' ', 'a', 'r', 'c', 'h', 'i', 'v', 'e'};
  EXPECT_FALSE(bundle_reel(InputFile{"notes.txt", view(junk)}).has_value());
}

TEST(BundleReel, ListingGivesTheNamesReadingGives) {
  for (const char* name : {"clean_7z", "clean_zip"}) {
    const FixtureInput in = load_fixture(name);
    const InputFile file = in.inputs().front();
    const bool seven = detect_archive_format(file.bytes) == ArchiveFormat::kSevenZip;
    auto read = seven ? SevenZipReader().read(file.bytes, file.name) : ZipReader().read(file.bytes, file.name);
    auto listed = seven ? SevenZipReader().list(file.bytes, file.name) : ZipReader().list(file.bytes, file.name);
    ASSERT_TRUE(read.ok() && listed.ok()) << name;
    std::vector<std::string> names;
    for (const auto& e : *read)
      names.push_back(e.name);
    EXPECT_EQ(*listed, names) << name;
  }
}

TEST(BundleReel, WholeBundlesOfOneReelAreOneReelInTheOrderHandedOver) {
  const FixtureInput seven = load_fixture("clean_7z");
  const FixtureInput zip = load_fixture("clean_zip");
  const FixtureInput other = load_fixture("mixed");
  std::vector<HandedOverItem> items = {
      {"clean.7z", {}, false, bundle_reel(seven.inputs().front())},
      {"mixed.7z", {}, false, bundle_reel(other.inputs().front())},
      {"clean.zip", {}, false, bundle_reel(zip.inputs().front())},
      {"unread.7z", {}, false, std::nullopt},
  };
  const auto reels = group_inputs_by_reel(items);
  ASSERT_EQ(reels.size(), 3u);
  EXPECT_EQ(reels[0].name, "clean.7z");
  EXPECT_EQ(reels[0].items, (std::vector<std::size_t>{0, 2}));
  EXPECT_TRUE(reels[0].findings.empty());
  EXPECT_EQ(reels[1].items, (std::vector<std::size_t>{1}));
  EXPECT_EQ(reels[2].items, (std::vector<std::size_t>{3}));
}
