// ZipReader against zips made at test time by the real 7-Zip (/usr/bin/7zz, `-tzip`), plus
// hostile variants: flipped bytes, truncation, a patched traversal name, a 2 GiB bomb (made once
// by the fixture generator), limits and a deterministic random-damage loop (run it under ASan:
// -DREELCHECK_SANITIZE=ON).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <string>

#include "fixture_manifest.hpp"
#include "reelcheck/archive.hpp"
#include "test_util.hpp"

namespace {

using reelcheck::ArchiveEntry;
using reelcheck::ErrorCode;
using reelcheck::Limits;
using reelcheck::ZipReader;
using namespace reelcheck::test;
using Files = std::map<std::string, std::string>; // path inside the zip -> content

std::string text_sample(std::size_t size, unsigned seed) {
  std::mt19937 rng(seed);
  static constexpr char kWords[][8] = {"chip", "reel", "E0E0", "cert", "PBS", "key", "0A1B", "7z"};
  std::string s;
  while (s.size() < size) {
    s += kWords[rng() % 8];
    s += (rng() % 9 == 0) ? '\n' : ' ';
  }
  s.resize(size);
  return s;
}

std::string random_sample(std::size_t size, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(size, '\0');
  for (char& c : s)
    c = static_cast<char>(rng() & 0xFF);
  return s;
}

std::map<std::string, std::string> as_map(const std::vector<ArchiveEntry>& entries) {
  std::map<std::string, std::string> m;
  for (const auto& e : entries)
    m[e.name] = std::string(e.data.begin(), e.data.end());
  return m;
}

class ZipReaderTest : public ::testing::Test {
protected:
  // Writes `files` (and `empty_dirs`) into a fresh folder and zips its content with 7zz.
  Bytes make_zip(const Files& files, const std::string& switches,
                 const std::vector<std::string>& empty_dirs = {}) {
    const fs::path src = dir_ / ("src" + std::to_string(++count_));
    fs::create_directories(src);
    for (const auto& [name, content] : files)
      write_file(src / name, content);
    for (const auto& d : empty_dirs)
      fs::create_directories(src / d);
    const fs::path zip = dir_ / ("a" + std::to_string(count_) + ".zip");
    const std::string cmd = "cd " + shell_quote(src.string()) + " && 7zz a -tzip -bd -bso0 -bsp0 " +
                            switches + " " + shell_quote(zip.string()) + " * >/dev/null";
    EXPECT_EQ(run_shell(cmd), 0) << cmd;
    return read_file(zip);
  }

  // A stored zip always holds the file bytes verbatim: where they are is where to damage them.
  static std::size_t find(const Bytes& hay, std::string_view needle) {
    const auto it = std::search(hay.begin(), hay.end(), needle.begin(), needle.end());
    return it == hay.end() ? std::string::npos : static_cast<std::size_t>(it - hay.begin());
  }

  TempDir dir_{"rczip"};
  int count_ = 0;
};

const Files kSample = {
    {"R1_B1_E0E0_Certs.7z", random_sample(3000, 1)},
    {"notes.txt", text_sample(20000, 2)},
    {"sub/deeper/chip_E0E1.pem", text_sample(700, 3)},
};

TEST_F(ZipReaderTest, ReadsStoredEntries) {
  const Bytes zip = make_zip(kSample, "-mx0");
  auto r = ZipReader().read(view(zip), "stored.zip");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(as_map(*r), kSample);
}

TEST_F(ZipReaderTest, ReadsDeflateEntries) {
  const Bytes zip = make_zip(kSample, "-mm=Deflate -mx9");
  ASSERT_LT(zip.size(), 20000u) << "expected the text to be compressed";
  auto r = ZipReader().read(view(zip), "deflate.zip");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(as_map(*r), kSample);
}

TEST_F(ZipReaderTest, SkipsDirectoriesKeepsSubfolderPathsAndEmptyFiles) {
  const Files files = {{"a/empty.txt", ""}, {"a/b/c.txt", "c"}, {"top.txt", "top"}};
  for (const std::string switches : {"-mx0", "-mm=Deflate"}) {
    const Bytes zip = make_zip(files, switches, {"emptydir", "a/b/also_empty"});
    auto r = ZipReader().read(view(zip), "dirs.zip");
    ASSERT_TRUE(r.ok()) << switches << ": " << r.error().message;
    EXPECT_EQ(as_map(*r), files) << switches; // no "a/", "emptydir/" entries
  }
}

TEST_F(ZipReaderTest, ReadsStreamedEntriesWithZip64LocalSizes) {
  // 7zz compressing stdin writes 0xFFFFFFFF local sizes plus a zip64 extra field.
  const fs::path zip = dir_ / "stream.zip";
  ASSERT_EQ(run_shell("printf 'streamed data\\n' | 7zz a -tzip -bd -bso0 -bsp0 -sistream.txt " +
                      shell_quote(zip.string()) + " >/dev/null"),
            0);
  const Bytes data = read_file(zip);
  auto r = ZipReader().read(view(data), "stream.zip");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(as_map(*r), (Files{{"stream.txt", "streamed data\n"}}));
}

TEST_F(ZipReaderTest, EmptyArchiveHasNoEntries) {
  // The smallest valid zip: only an end-of-central-directory record.
  const Bytes zip = {'P', 'K', 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  auto r = ZipReader().read(view(zip), "empty.zip");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->empty());
}

TEST_F(ZipReaderTest, DetectsCrcMismatch) {
  Bytes zip = make_zip(kSample, "-mx0");
  const std::string& content = kSample.at("notes.txt");
  const std::size_t at = find(zip, content);
  ASSERT_NE(at, std::string::npos);
  zip[at + content.size() / 2] ^= 0x20;
  auto r = ZipReader().read(view(zip), "crc.zip");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kCrcMismatch) << r.error().message;
  EXPECT_NE(r.error().message.find("notes.txt"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("crc.zip"), std::string::npos) << r.error().message;
}

// The CRC-32 is in two places: the local header and the central directory. Each copy is
// checked against the other (a reader that trusts one can be shown another file), and the
// data against both. The fuzz targets recompute them (fuzz/fuzz_crc_fixup.hpp); the library
// never skips them.
TEST_F(ZipReaderTest, LocalAndCentralCrcsAreChecked) {
  const Bytes original = make_zip(kSample, "-mx0");
  // The name follows each record: the local header (30 bytes) first, the central one (46) later.
  const std::size_t local = find(original, "notes.txt") - 30;
  const Bytes rest(original.begin() + static_cast<std::ptrdiff_t>(local + 31), original.end());
  const std::size_t central = local + 31 + find(rest, "notes.txt") - 46;
  auto signature = [&](std::size_t at) {
    return std::string(original.begin() + static_cast<std::ptrdiff_t>(at),
                       original.begin() + static_cast<std::ptrdiff_t>(at + 4));
  };
  ASSERT_EQ(signature(local), std::string("PK\x03\x04"));
  ASSERT_EQ(signature(central), std::string("PK\x01\x02"));
  struct Case {
    const char* what;
    std::vector<std::size_t> flips;
    ErrorCode code;
    const char* message;
  };
  for (const Case& c : {Case{"local CRC", {local + 14}, ErrorCode::kCorrupt, "disagrees"},
                        Case{"central CRC", {central + 16}, ErrorCode::kCorrupt, "disagrees"},
                        Case{"both CRCs alike",
                             {local + 14, central + 16},
                             ErrorCode::kCrcMismatch,
                             "CRC mismatch in entry notes.txt"}}) {
    Bytes zip = original;
    for (std::size_t at : c.flips)
      zip[at] ^= 0x04;
    auto r = ZipReader().read(view(zip), "crc.zip");
    ASSERT_FALSE(r.ok()) << c.what;
    EXPECT_EQ(r.error().code, c.code) << c.what << ": " << r.error().message;
    EXPECT_NE(r.error().message.find(c.message), std::string::npos) << r.error().message;
  }
}

TEST_F(ZipReaderTest, DetectsCrcMismatchInDeflateData) {
  // Many one-bit flips of Huffman-coded data still inflate, to other data of the same size:
  // only the CRC-32 of the inflated data can tell. None may pass, and the CRC must catch some.
  const std::string content = text_sample(3000, 7);
  const Bytes original = make_zip({{"words.txt", content}}, "-mm=Deflate");
  const std::size_t local = find(original, "words.txt") - 30;
  auto le = [&](std::size_t at, int bytes) {
    std::size_t v = 0;
    for (int i = bytes - 1; i >= 0; --i)
      v = (v << 8) | original[at + static_cast<std::size_t>(i)];
    return v;
  };
  const std::size_t start = local + 30 + le(local + 26, 2) + le(local + 28, 2);
  const std::size_t end = start + le(local + 18, 4); // the deflate data, and only it
  int crc_mismatches = 0;
  for (std::size_t at = start; at < end; ++at) {
    Bytes zip = original;
    zip[at] ^= 0x01;
    auto r = ZipReader().read(view(zip), "crc.zip");
    ASSERT_FALSE(r.ok()) << "flip at " << at << " went unnoticed";
    if (r.error().code == ErrorCode::kCrcMismatch) ++crc_mismatches;
  }
  EXPECT_GT(crc_mismatches, 0);
}

TEST_F(ZipReaderTest, DetectsDamagedDeflateData) {
  Bytes zip = make_zip({{"big.txt", text_sample(50000, 9)}}, "-mm=Deflate");
  zip[zip.size() / 3] ^= 0xFF; // inside the compressed stream
  auto r = ZipReader().read(view(zip), "bad.zip");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().code == ErrorCode::kCorrupt || r.error().code == ErrorCode::kCrcMismatch)
      << r.error().message;
}

TEST_F(ZipReaderTest, TruncationIsReported) {
  for (const std::string switches : {"-mx0", "-mm=Deflate"}) {
    const Bytes zip = make_zip(kSample, switches);
    for (const std::size_t cut :
         {std::size_t{4}, std::size_t{29}, std::size_t{100}, zip.size() / 3, zip.size() / 2,
          zip.size() - 30, zip.size() - 22, zip.size() - 1}) {
      const Bytes part(zip.begin(), zip.begin() + static_cast<std::ptrdiff_t>(cut));
      auto r = ZipReader().read(view(part), "cut.zip");
      ASSERT_FALSE(r.ok()) << "cut at " << cut;
      EXPECT_EQ(r.error().code, ErrorCode::kTruncated)
          << "cut at " << cut << ": " << r.error().message;
    }
  }
}

TEST_F(ZipReaderTest, RejectsTraversalNames) {
  // 7zz will not store "../", so store a same-length name and patch both copies of it (local
  // header and central directory), as an attacker would.
  Bytes zip = make_zip({{"ZZZevil_E0E0_Certs.7z", "payload"}, {"ok.txt", "fine"}}, "-mx0");
  const std::string placeholder = "ZZZevil_E0E0_Certs.7z";
  int patched = 0;
  for (std::size_t at; (at = find(zip, placeholder)) != std::string::npos; ++patched)
    std::copy_n("../", 3, zip.begin() + static_cast<std::ptrdiff_t>(at));
  ASSERT_EQ(patched, 2);
  auto r = ZipReader().read(view(zip), "traversal.zip");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnsafeName) << r.error().message;
  EXPECT_NE(r.error().message.find("../evil_E0E0_Certs.7z"), std::string::npos)
      << r.error().message;
}

// The bomb is made once by tests/fixtures/make_fixtures.sh for every build (compressing 2 GiB
// takes seconds).
TEST_F(ZipReaderTest, RejectsA2GiBZerosEntry) {
  const auto& bomb = archive_input("zip_bomb");
  ASSERT_EQ(bomb.at("entry_size").get<std::uint64_t>(), 2ull << 30);
  const Bytes data = read_file(archive_input_path("zip_bomb"));
  ASSERT_GT(data.size(), 0u);
  ASSERT_LT(data.size(), 8u << 20);
  // Refused from the central directory, before inflating (bench/archive_bench.cpp times it).
  auto r = ZipReader().read(view(data), "bomb.zip");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kLimitExceeded);
  EXPECT_NE(r.error().message.find("entry " + bomb.at("entry").get<std::string>() +
                                   " exceeds the 256 MiB limit"),
            std::string::npos)
      << r.error().message;
}

TEST_F(ZipReaderTest, EnforcesConfiguredLimits) {
  Files many;
  for (int i = 0; i < 5; ++i)
    many["f" + std::to_string(i) + ".txt"] = text_sample(3000, static_cast<unsigned>(i));
  const Bytes zip = make_zip(many, "-mm=Deflate");

  Limits entries;
  entries.max_entries = 4;
  auto r = ZipReader(entries).read(view(zip), "many.zip");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kLimitExceeded) << r.error().message;

  Limits per_entry;
  per_entry.max_entry_size = 2 << 10;
  r = ZipReader(per_entry).read(view(zip), "many.zip");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kLimitExceeded);
  EXPECT_NE(r.error().message.find("exceeds the 2 KiB limit"), std::string::npos)
      << r.error().message;

  Limits total;
  total.max_total_size = 10000;
  r = ZipReader(total).read(view(zip), "many.zip");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kLimitExceeded) << r.error().message;

  Limits enough;
  enough.max_entries = 5;
  enough.max_total_size = 15000;
  EXPECT_TRUE(ZipReader(enough).read(view(zip), "many.zip").ok());
}

TEST_F(ZipReaderTest, RejectsEncryptedEntries) {
  const Bytes zip = make_zip({{"secret.txt", "s3cret"}}, "-pnot-a-real-key"); // test data only
  auto r = ZipReader().read(view(zip), "enc.zip");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnsupported);
  EXPECT_NE(r.error().message.find("encrypted zip entries are not supported"), std::string::npos)
      << r.error().message;
}

TEST_F(ZipReaderTest, RejectsOtherMethodsNamingThem) {
  const Bytes zip = make_zip({{"b.txt", text_sample(5000, 4)}}, "-mm=BZip2");
  auto r = ZipReader().read(view(zip), "bzip2.zip");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnsupported);
  EXPECT_NE(r.error().message.find("method 12"), std::string::npos) << r.error().message;
}

TEST_F(ZipReaderTest, RejectsNonZipInput) {
  for (const std::string& junk :
       {std::string(), std::string("PK"), random_sample(5000, 5), std::string(100, '\0')}) {
    auto r = ZipReader().read(view(junk), "junk.bin");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kNotAnArchive) << r.error().message;
  }
}

TEST_F(ZipReaderTest, SurvivesRandomDamage) {
  const Files files = {{"a.txt", text_sample(4000, 6)},
                       {"d/b.bin", random_sample(600, 7)},
                       {"c.txt", text_sample(9000, 8)}};
  const Bytes deflate = make_zip(files, "-mm=Deflate");
  const Bytes stored = make_zip(files, "-mx0");
  std::mt19937 rng(20240101); // fixed seed: a failure reproduces
  int accepted = 0;
  for (int i = 0; i < 3000; ++i) {
    Bytes zip = (i % 2) ? deflate : stored;
    switch (rng() % 4) {
    case 0: // a few random bytes anywhere
      for (unsigned n = 1 + rng() % 4; n > 0; --n)
        zip[rng() % zip.size()] = static_cast<std::uint8_t>(rng());
      break;
    case 1: // damage concentrated in the central directory and end record
      for (unsigned n = 1 + rng() % 3; n > 0; --n)
        zip[zip.size() - 1 - rng() % std::min<std::size_t>(zip.size(), 200)] =
            static_cast<std::uint8_t>(rng());
      break;
    case 2: // truncation
      zip.resize(rng() % zip.size());
      break;
    default: // a random 16-bit or 32-bit field set to an extreme
      zip[rng() % zip.size()] = 0xFF;
      zip[rng() % zip.size()] = 0x00;
      break;
    }
    auto r = ZipReader().read(view(zip), "fuzz.zip");
    if (r.ok()) {
      ++accepted;
      // Whatever is accepted passed the CRC check, so it must be the original content (or
      // an untouched subset if damage hit only metadata we do not need).
      for (const auto& e : *r) {
        const auto it = files.find(e.name);
        if (it != files.end()) {
          EXPECT_EQ(std::string(e.data.begin(), e.data.end()), it->second);
        }
      }
    } else {
      EXPECT_FALSE(r.error().message.empty());
    }
  }
  EXPECT_LT(accepted, 3000);
}

TEST_F(ZipReaderTest, ReadsFixtureBundles) {
  const fs::path fixtures = REELCHECK_FIXTURES_DIR;
  if (!fs::exists(fixtures / "manifest.json")) GTEST_SKIP() << "fixtures not generated";
  for (const char* name : {"clean.zip", "clean_stored.zip"}) {
    const Bytes data = read_file(fixtures / "bundles" / name);
    auto r = ZipReader().read(view(data), name);
    ASSERT_TRUE(r.ok()) << name << ": " << r.error().message;
    EXPECT_EQ(r->size(), 4u) << name;
  }
  const Bytes traversal = read_file(fixtures / "bundles" / "traversal.zip");
  auto r = ZipReader().read(view(traversal), "traversal.zip");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnsafeName);
}

} // namespace
