// Every archive limit at its boundary: input exactly at the limit is read, one unit over is
// refused with its own clear message (kLimitExceeded). The real limits are huge (256 MiB,
// 2^24 hashing rounds), so most tests choose small limits through the Limits struct; the
// archives are made by the real 7zz. Also: encrypted 7z blocks without a CRC are refused.
#include <gtest/gtest.h>

#include <mbedtls/aes.h>
#include <mbedtls/sha256.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>

#include "archive/seven_zip_aes.hpp"
#include "archive/seven_zip_crc.hpp"
#include "fixture_manifest.hpp"
#include "reelcheck/archive.hpp"
#include "reelcheck/bundle.hpp"
#include "test_util.hpp"
#include "util/format.hpp"

namespace {

using namespace reelcheck;
using namespace reelcheck::test;
using Files = std::map<std::string, std::string>;

constexpr std::uint64_t k7ZipRounds = std::uint64_t{1} << 19; // what 7zz writes per key
constexpr std::string_view kPassword = "Limit-Test-Key";
// Every derivation round hashes salt || UTF-16LE(password) || 8-byte counter; 7zz writes no salt.
constexpr std::uint64_t kBytesPerRound = 2 * kPassword.size() + 8;
constexpr std::array<std::uint8_t, 4> kAesMethodId{0x06, 0xF1, 0x07, 0x01};

std::string text(std::size_t size, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s;
  while (s.size() < size)
    s.push_back(s.size() % 61 == 60 ? '\n' : static_cast<char>('A' + rng() % 26));
  return s;
}

std::size_t find(const Bytes& haystack, std::span<const std::uint8_t> needle,
                 std::size_t from = 0) {
  auto it = std::search(haystack.begin() + static_cast<std::ptrdiff_t>(from), haystack.end(),
                        needle.begin(), needle.end());
  return it == haystack.end() ? std::string::npos : static_cast<std::size_t>(it - haystack.begin());
}

void put_le32(Bytes& a, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i)
    a[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (8 * i));
}

std::uint64_t le64(const Bytes& a, std::size_t at) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i)
    v = (v << 8) | a[at + static_cast<std::size_t>(i)];
  return v;
}

// After patching the (plain) header: its CRC and the start header's CRC.
void fix_header_crcs(Bytes& a) {
  const std::uint64_t offset = le64(a, 12), size = le64(a, 20);
  put_le32(a, 28, detail::seven_zip_crc(ByteView(a).subspan(32 + offset, size)));
  put_le32(a, 8, detail::seven_zip_crc(ByteView(a).subspan(12, 20)));
}

// The key 7-Zip derives: SHA-256 over (salt || UTF-16LE password || 64-bit counter) for
// 2^cycles counter values. Written out here, independently of the core, for test archives.
std::array<std::uint8_t, 32> derive_key(std::string_view ascii_password, unsigned cycles) {
  Bytes unit;
  for (char c : ascii_password) {
    unit.push_back(static_cast<std::uint8_t>(c));
    unit.push_back(0);
  }
  const std::size_t counter_at = unit.size();
  unit.resize(unit.size() + 8);
  mbedtls_sha256_context sha;
  mbedtls_sha256_init(&sha);
  mbedtls_sha256_starts_ret(&sha, 0);
  for (std::uint64_t round = 0; round < (std::uint64_t{1} << cycles); ++round) {
    for (int b = 0; b < 8; ++b)
      unit[counter_at + static_cast<std::size_t>(b)] = static_cast<std::uint8_t>(round >> (8 * b));
    mbedtls_sha256_update_ret(&sha, unit.data(), unit.size());
  }
  std::array<std::uint8_t, 32> key{};
  mbedtls_sha256_finish_ret(&sha, key.data());
  mbedtls_sha256_free(&sha);
  return key;
}

void aes_cbc(int mode, const std::array<std::uint8_t, 32>& key, std::array<std::uint8_t, 16> iv,
             std::span<std::uint8_t> data) {
  mbedtls_aes_context aes;
  mbedtls_aes_init(&aes);
  if (mode == MBEDTLS_AES_DECRYPT)
    mbedtls_aes_setkey_dec(&aes, key.data(), 256);
  else
    mbedtls_aes_setkey_enc(&aes, key.data(), 256);
  Bytes in(data.begin(), data.end());
  mbedtls_aes_crypt_cbc(&aes, mode, in.size(), iv.data(), in.data(), data.data());
  mbedtls_aes_free(&aes);
}

class ArchiveLimitsTest : public ::testing::Test {
protected:
  TempDir dir_{"reelcheck-limits"};

  Bytes make_7z(const Files& files, const std::string& switches, const std::string& name) {
    const auto src = dir_ / ("src-" + name);
    for (const auto& [path, content] : files)
      write_file(src / path, content);
    const auto out = dir_ / name;
    EXPECT_EQ(run_shell("cd " + shell_quote(src.string()) +
                        " && 7zz a -bd -bso0 -bsp0 -y -mtm=off -mtc=off -mta=off " + switches +
                        " " + shell_quote(out.string()) + " . >/dev/null 2>&1"),
              0);
    return read_file(out);
  }

  // True when the real 7-Zip accepts the archive (test mode, with the test password).
  bool seven_zip_accepts(const Bytes& archive, const std::string& name) {
    write_file(dir_ / name, view(archive));
    return run_shell("7zz t -bd -bso0 -bse0 -p" + std::string(kPassword) + " " +
                     shell_quote((dir_ / name).string()) + " >/dev/null 2>&1") == 0;
  }

  static void expect_files(const Result<std::vector<ArchiveEntry>>& r, const Files& files) {
    ASSERT_TRUE(r.ok()) << r.error().message;
    Files got;
    for (const auto& e : *r)
      got[e.name] = std::string(e.data.begin(), e.data.end());
    EXPECT_EQ(got, files);
  }

  static void expect_refused(const Result<std::vector<ArchiveEntry>>& r, std::string_view message) {
    ASSERT_FALSE(r.ok()) << "expected: " << message;
    EXPECT_EQ(r.error().code, ErrorCode::kLimitExceeded) << r.error().message;
    EXPECT_NE(r.error().message.find(message), std::string::npos) << r.error().message;
  }
};

ByteView password() {
  return view(kPassword);
}

// --- sizes and counts -------------------------------------------------------------------

TEST_F(ArchiveLimitsTest, SevenZipEntrySize) {
  const Files files{{"big.txt", text(20000, 1)}, {"small.txt", "ok"}};
  const Bytes a = make_7z(files, "", "entry.7z");
  Limits at;
  at.max_entry_size = 20000;
  expect_files(SevenZipReader(at).read(view(a), "entry.7z"), files);
  Limits over = at;
  over.max_entry_size = 19999;
  expect_refused(SevenZipReader(over).read(view(a), "entry.7z"),
                 "entry.7z: entry big.txt exceeds the 19999 bytes limit");
}

TEST_F(ArchiveLimitsTest, SevenZipTotalSize) {
  const Files files{{"a.txt", text(20000, 2)}, {"b.txt", text(12000, 3)}};
  const Bytes a = make_7z(files, "-ms=off -mhc=off", "total.7z");
  Limits at;
  at.max_total_size = 32000;
  expect_files(SevenZipReader(at).read(view(a), "total.7z"), files);
  Limits over = at;
  over.max_total_size = 31999;
  expect_refused(SevenZipReader(over).read(view(a), "total.7z"),
                 "total.7z: the archive unpacks to more than the 31999 bytes limit");
}

TEST_F(ArchiveLimitsTest, SevenZipEntryCount) {
  Files files;
  for (int i = 0; i < 10; ++i)
    files["f" + std::to_string(i) + ".txt"] = "content " + std::to_string(i);
  const Bytes a = make_7z(files, "", "count.7z");
  Limits at;
  at.max_entries = 10;
  expect_files(SevenZipReader(at).read(view(a), "count.7z"), files);
  Limits over = at;
  over.max_entries = 9;
  expect_refused(SevenZipReader(over).read(view(a), "count.7z"),
                 "the archive lists 10 entries, more than the limit of 9");
}

TEST_F(ArchiveLimitsTest, SevenZipDictionary) {
  const Files files{{"data.txt", text(300000, 4)}};
  for (const char* method : {"LZMA", "LZMA2"}) {
    SCOPED_TRACE(method);
    // 7zz shrinks the dictionary to the data size: 64 KiB stays below the 300 kB of data.
    const Bytes a = make_7z(files, std::string("-m0=") + method + ":d=64k", "dict.7z");
    Limits at;
    at.max_dictionary = 64u << 10;
    expect_files(SevenZipReader(at).read(view(a), "dict.7z"), files);
    Limits over = at;
    over.max_dictionary = (64u << 10) - 1;
    expect_refused(SevenZipReader(over).read(view(a), "dict.7z"),
                   std::string("the ") + method +
                       " dictionary of 64 KiB exceeds the 65535 bytes limit");
  }
}

// The unpacked header counts against the total size too (an encoded header is a stream).
TEST_F(ArchiveLimitsTest, SevenZipEncodedHeaderSize) {
  Files files;
  for (int i = 0; i < 40; ++i)
    files["a_rather_long_file_name_to_make_the_header_big_" + std::to_string(i) + ".txt"] = "";
  files["data.txt"] = "x";
  const Bytes a = make_7z(files, "", "header.7z");
  std::uint64_t header_size = 0; // find it: the smallest total limit that reads the archive
  for (std::uint64_t limit = 1; limit < 100000 && header_size == 0; ++limit) {
    Limits l;
    l.max_total_size = limit;
    if (SevenZipReader(l).read(view(a), "header.7z").ok()) header_size = limit;
  }
  ASSERT_GT(header_size, 40u * 50u) << "40 names of 50+ UTF-16 characters";
  Limits over;
  over.max_total_size = header_size - 1;
  expect_refused(SevenZipReader(over).read(view(a), "header.7z"),
                 "a stream of " + std::to_string(header_size) + " bytes exceeds the " +
                     std::to_string(header_size - 1) + " bytes limit");
}

Bytes make_zip(TempDir& dir, const Files& files, const std::string& switches) {
  const auto src = dir / "zip-src";
  for (const auto& [path, content] : files)
    write_file(src / path, content);
  const auto out = dir / "z.zip";
  EXPECT_EQ(run_shell("cd " + shell_quote(src.string()) + " && 7zz a -tzip -bd -bso0 -bsp0 -y " +
                      switches + " " + shell_quote(out.string()) + " . >/dev/null 2>&1"),
            0);
  return read_file(out);
}

TEST_F(ArchiveLimitsTest, ZipEntrySizeTotalAndCount) {
  Files files;
  for (int i = 0; i < 5; ++i)
    files["f" + std::to_string(i) + ".txt"] = text(3000 + static_cast<std::size_t>(i), 10u + i);
  const std::uint64_t total = 5 * 3000 + 10; // 3000 + 3001 + ... + 3004
  const Bytes zip = make_zip(dir_, files, "-mm=Deflate");

  Limits at;
  at.max_entries = 5;
  at.max_entry_size = 3004;
  at.max_total_size = total;
  expect_files(ZipReader(at).read(view(zip), "z.zip"), files);

  Limits count = at;
  count.max_entries = 4;
  expect_refused(ZipReader(count).read(view(zip), "z.zip"),
                 "z.zip: the archive has 5 entries, more than the limit of 4");
  Limits entry = at;
  entry.max_entry_size = 3003;
  expect_refused(ZipReader(entry).read(view(zip), "z.zip"),
                 "entry f4.txt exceeds the 3003 bytes limit");
  Limits sum = at;
  sum.max_total_size = total - 1;
  expect_refused(ZipReader(sum).read(view(zip), "z.zip"),
                 "takes the archive past the " + std::to_string(total - 1) + " bytes total limit");
}

// --- 7z AES: CRCs and key derivation work -----------------------------------------------

// 7-Zip protects every file with a CRC; AES-CBC has no integrity of its own, so an encrypted
// block whose CRC was removed would turn a wrong key into garbage "key files". Refused.
TEST_F(ArchiveLimitsTest, EncryptedBlockWithoutCrcIsRefused) {
  const Files files{{"PBS_keys.txt", text(300, 5)}};
  Bytes a = make_7z(files, "-p" + std::string(kPassword) + " -mx0 -mhc=off -mhe=off", "nocrc.7z");
  expect_files(SevenZipReader().read(view(a), "nocrc.7z", password()), files);

  // SubStreamsInfo ends with kCRC, all-defined, the CRC, kEnd. Re-encode those 7 bytes as one
  // 7-byte kEnd number (0xFC + six zero bytes = 0): same header size, no CRC.
  const std::string& content = files.begin()->second;
  const std::uint32_t crc = detail::seven_zip_crc(view(content));
  Bytes digest{0x0A, 0x01, 0, 0, 0, 0, 0x00};
  put_le32(digest, 2, crc);
  const std::size_t at = find(a, digest);
  ASSERT_NE(at, std::string::npos);
  std::copy_n(Bytes{0xFC, 0, 0, 0, 0, 0, 0}.begin(), 7,
              a.begin() + static_cast<std::ptrdiff_t>(at));
  fix_header_crcs(a);

  for (std::string_view key : {kPassword, std::string_view("a-wrong-key")}) {
    auto r = SevenZipReader().read(view(a), "nocrc.7z", view(key));
    ASSERT_FALSE(r.ok()) << "a block without CRC must not be handed out, key " << key;
    EXPECT_EQ(r.error().code, ErrorCode::kUnsupported) << r.error().message;
    EXPECT_NE(r.error().message.find(
                  "nocrc.7z: an encrypted block without a CRC is refused: a wrong transport key "
                  "could not be detected"),
              std::string::npos)
        << r.error().message;
  }
}

TEST(SevenZipAesProps, OneDerivationMayAskForAtMostTwoToThe24Rounds) {
  const std::uint8_t at[] = {24};
  auto ok = detail::sz::parse_aes_props(at);
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(detail::sz::derivation_rounds(*ok), std::uint64_t{1} << 24);
  const std::uint8_t over[] = {25};
  auto refused = detail::sz::parse_aes_props(over);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kLimitExceeded);
  EXPECT_EQ(refused.error().message,
            "the archive asks for 2^25 key derivation rounds (at most 2^24 are allowed)");
}

// Two encrypted folders (non-solid, stored) whose AES coders ask for different key
// derivations: 2^19 rounds (as 7zz wrote it) and 2^4 (patched, and the folder re-encrypted
// under the key that derivation gives). The real 7-Zip must accept the result.
class TwoKeyArchive : public ArchiveLimitsTest {
protected:
  const Files files_{{"a.txt", text(100, 6)}, {"b.txt", text(200, 7)}};
  static constexpr unsigned kSecondCycles = 4;
  Bytes archive_;

  void SetUp() override {
    archive_ = make_7z(files_, "-p" + std::string(kPassword) + " -mx0 -ms=off -mhc=off -mhe=off",
                       "two.7z");
    const std::size_t first = find(archive_, kAesMethodId);
    ASSERT_NE(first, std::string::npos);
    const std::size_t second = find(archive_, kAesMethodId, first + 1);
    ASSERT_NE(second, std::string::npos) << "two folders, two AES coders";
    // Coder properties: size byte, then b0 = flags | NumCyclesPower, b1, the 16-byte IV.
    const std::size_t props = second + kAesMethodId.size() + 1;
    ASSERT_EQ(archive_[props - 1], 18) << "2 bytes + 16-byte IV";
    ASSERT_EQ(archive_[props] & 0x3F, 19);
    std::array<std::uint8_t, 16> iv{};
    std::copy_n(archive_.begin() + static_cast<std::ptrdiff_t>(props + 2), 16, iv.begin());

    // Stored + AES: folder 1 packs 112 bytes (100 padded), folder 2 the next 208 (200 padded).
    std::span<std::uint8_t> packed(archive_.data() + 32 + 112, 208);
    aes_cbc(MBEDTLS_AES_DECRYPT, derive_key(kPassword, 19), iv, packed);
    ASSERT_EQ(std::string(packed.begin(), packed.begin() + 200), files_.at("b.txt"))
        << "7zz laid the folders out differently than this test expects";
    aes_cbc(MBEDTLS_AES_ENCRYPT, derive_key(kPassword, kSecondCycles), iv, packed);
    archive_[props] = static_cast<std::uint8_t>((archive_[props] & 0xC0) | kSecondCycles);
    fix_header_crcs(archive_);
    ASSERT_TRUE(seven_zip_accepts(archive_, "two-check.7z"));
  }
};

TEST_F(TwoKeyArchive, EveryDistinctDerivationCountsTowardsTheArchiveLimit) {
  const std::uint64_t needed =
      (k7ZipRounds + (std::uint64_t{1} << kSecondCycles)) * kBytesPerRound; // 524304 rounds
  Limits at;
  at.max_archive_key_bytes = needed;
  ArchiveWork spent;
  expect_files(SevenZipReader(at).read(view(archive_), "two.7z", password(), spent), files_);
  EXPECT_EQ(spent.key_bytes, needed);

  Limits over;
  over.max_archive_key_bytes = needed - 1;
  ArchiveWork none;
  expect_refused(SevenZipReader(over).read(view(archive_), "two.7z", password(), none),
                 "two.7z: deriving its keys would hash " + std::to_string(needed) +
                     " bytes (SHA-256), more than the limit of " + std::to_string(needed - 1) +
                     " per archive");
  EXPECT_EQ(none.key_bytes, 0u) << "refused before any hashing";
}

TEST_F(TwoKeyArchive, DerivationsAcrossArchivesCountTowardsTheBundleLimit) {
  const std::uint64_t per_read =
      (k7ZipRounds + (std::uint64_t{1} << kSecondCycles)) * kBytesPerRound;
  Limits limits;
  limits.max_bundle_key_bytes = 2 * per_read;
  ArchiveWork spent;
  const SevenZipReader reader(limits);
  expect_files(reader.read(view(archive_), "two.7z", password(), spent), files_);
  expect_files(reader.read(view(archive_), "two.7z", password(), spent), files_);
  EXPECT_EQ(spent.key_bytes, 2 * per_read);
  expect_refused(reader.read(view(archive_), "two.7z", password(), spent),
                 "two.7z: deriving its keys would take the bundle to " +
                     std::to_string(3 * per_read) + " bytes hashed (SHA-256), more than the limit of " +
                     std::to_string(2 * per_read) + " per bundle");
  EXPECT_EQ(spent.key_bytes, 2 * per_read) << "the refused read hashed nothing";
}

// A key derived ahead (the page's idle verifier) stands for the saltless derivation of its own
// round count and nothing else: the 2^19 folder takes it uncharged, the 2^4 one is derived and
// charged as ever. It is the real 7-Zip's key: the same bytes as the derivation written out here.
TEST_F(TwoKeyArchive, AKeyDerivedAheadStandsForItsOwnRoundCountOnly) {
  auto known = derive_seven_zip_key(password());
  ASSERT_TRUE(known.ok()) << known.error().message;
  EXPECT_EQ(known->cycles_power, kSevenZipDefaultCyclesPower);
  const auto expected = derive_key(kPassword, 19);
  EXPECT_TRUE(std::equal(known->key.begin(), known->key.end(), expected.begin(), expected.end()));

  ArchiveWork spent;
  expect_files(SevenZipReader().read(view(archive_), "two.7z", password(), spent, *known), files_);
  EXPECT_EQ(spent.keys_given, 1u);
  EXPECT_EQ(spent.key_bytes, (std::uint64_t{1} << kSecondCycles) * kBytesPerRound);

  // A key of another round count stands for nothing here: both folders derive their own.
  auto other_rounds = derive_seven_zip_key(password(), kSecondCycles + 1);
  ASSERT_TRUE(other_rounds.ok());
  ArchiveWork both;
  expect_files(SevenZipReader().read(view(archive_), "two.7z", password(), both, *other_rounds),
               files_);
  EXPECT_EQ(both.keys_given, 0u);
  EXPECT_EQ(both.key_bytes, (k7ZipRounds + (std::uint64_t{1} << kSecondCycles)) * kBytesPerRound);

  // Only for the password it was derived from: a key of another password (or altered on its
  // way) is not taken, and the right key never stands in for a wrong password.
  const std::uint64_t everything =
      (k7ZipRounds + (std::uint64_t{1} << kSecondCycles)) * kBytesPerRound;
  auto foreign = derive_seven_zip_key(view("another password"));
  ASSERT_TRUE(foreign.ok());
  SevenZipKey altered{known->cycles_power, known->key, known->password_check};
  altered.key[0] ^= 1;
  for (const SevenZipKey* key : {&*foreign, &altered}) {
    ArchiveWork not_taken;
    expect_files(SevenZipReader().read(view(archive_), "two.7z", password(), not_taken, *key),
                 files_);
    EXPECT_EQ(not_taken.keys_given, 0u);
    EXPECT_EQ(not_taken.key_bytes, everything);
  }
  ArchiveWork wrong;
  auto r = SevenZipReader().read(view(archive_), "two.7z", view("Wrong-Test-Key"), wrong, *known);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kWrongKey) << r.error().message;
  EXPECT_EQ(wrong.keys_given, 0u);

  EXPECT_EQ(derive_seven_zip_key(password(), 25).error().code, ErrorCode::kBadInput);
  EXPECT_EQ(derive_seven_zip_key({}).error().code, ErrorCode::kBadInput);
}

// The attack from issue 7: many encrypted folders, each asking for an expensive derivation
// of its own; and from issue 17: a long password makes every round cost more. Both are
// refused from the header, before any hashing, because the budget counts bytes hashed.
TEST_F(ArchiveLimitsTest, ManyCostlyDerivationsAreRefusedBeforeHashing) {
  Files files;
  for (int i = 0; i < 40; ++i)
    files["k" + std::to_string(i) + ".txt"] = "secret " + std::to_string(i);
  Bytes a =
      make_7z(files, "-p" + std::string(kPassword) + " -mx0 -ms=off -mhc=off -mhe=off", "many.7z");
  int folders = 0;
  for (std::size_t at = find(a, kAesMethodId); at != std::string::npos;
       at = find(a, kAesMethodId, at + 1), ++folders) {
    std::uint8_t& b0 = a[at + kAesMethodId.size() + 1];
    b0 = static_cast<std::uint8_t>((b0 & 0xC0) | (folders % 2 == 0 ? 24 : 23));
  }
  ASSERT_EQ(folders, 40);
  fix_header_crcs(a);
  // Two distinct derivations (2^24 and 2^23 rounds; folders without salt share them) against a
  // budget of one 2^24-round derivation.
  const std::uint64_t rounds = (std::uint64_t{1} << 24) + (std::uint64_t{1} << 23);
  Limits one_derivation;
  one_derivation.max_archive_key_bytes = (std::uint64_t{1} << 24) * kBytesPerRound;
  ArchiveWork spent;
  expect_refused(SevenZipReader(one_derivation).read(view(a), "many.7z", password(), spent),
                 "many.7z: deriving its keys would hash " + std::to_string(rounds * kBytesPerRound) +
                     " bytes (SHA-256), more than the limit of " +
                     std::to_string(one_derivation.max_archive_key_bytes) + " per archive");
  EXPECT_EQ(spent.key_bytes, 0u);

  // The default budget with a 256-byte password: each round hashes 520 bytes, not 36.
  const std::string long_password(256, 'k');
  expect_refused(SevenZipReader().read(view(a), "many.7z", view(long_password), spent),
                 "many.7z: deriving its keys would hash " + std::to_string(rounds * 520) +
                     " bytes (SHA-256), more than the limit of 1073741824 per archive");
  EXPECT_EQ(spent.key_bytes, 0u);
}

TEST(BundleKeyWork, TheKeysArchiveIsChargedToTheBundleBudget) {
  const FixtureInput in = load_fixture("clean_loose");
  const auto inputs = in.inputs();
  std::size_t key_size = in.key.size(); // the fixture's key is ASCII, maybe with a line end
  while (key_size > 0 && (in.key[key_size - 1] == '\n' || in.key[key_size - 1] == '\r'))
    --key_size;
  const std::uint64_t bytes = k7ZipRounds * (2 * key_size + 8);
  Limits at;
  at.max_bundle_key_bytes = bytes;
  auto opened = BundleReader(at).open(inputs, view(in.key));
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_EQ(opened->pbs.records.size(), 20u);

  Limits over;
  over.max_bundle_key_bytes = bytes - 1;
  auto refused = BundleReader(over).open(inputs, view(in.key));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kLimitExceeded);
  EXPECT_NE(refused.error().message.find("_keys.7z: deriving its keys would take the bundle to " +
                                         std::to_string(bytes) +
                                         " bytes hashed (SHA-256), more than the limit of " +
                                         std::to_string(bytes - 1) + " per bundle"),
            std::string::npos)
      << refused.error().message;
}

// The bundle's unpacked total: every inner archive unpacked from the outer one, every
// certificate file and the key files count.
TEST(BundleTotalSize, EverythingUnpackedFromOneBundleCounts) {
  const FixtureInput in = load_fixture("clean_7z");
  const auto inputs = in.inputs();
  auto outer = SevenZipReader().read(view(in.contents[0]), in.names[0]);
  ASSERT_TRUE(outer.ok()) << outer.error().message;
  std::uint64_t total = 0;
  for (const auto& inner : *outer) {
    total += inner.data.size();
    auto files = SevenZipReader().read(as_bytes(inner.data), inner.name, view(in.key));
    ASSERT_TRUE(files.ok()) << files.error().message;
    for (const auto& file : *files)
      total += file.data.size();
  }
  Limits at;
  at.max_total_size = total;
  auto opened = BundleReader(at).open(inputs, view(in.key));
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_EQ(opened->certificates.size(), 60u);

  Limits over;
  over.max_total_size = total - 1;
  auto refused = BundleReader(over).open(inputs, view(in.key));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kLimitExceeded);
  // The archives are unpacked at the same time, each against what the outer layers left; their
  // sum is charged in the archives' order when they are put together (the keys archive last),
  // so one byte over is refused all the same, naming the archive that went over. The limit is
  // written as the core writes sizes: a fixture's total is random, and one in 1,024 is a whole
  // number of KiB ("85 KiB", not "87040 bytes").
  EXPECT_EQ(refused.error().message,
            "R2400017_B7F3C1_keys.7z exceeds the total unpacked size limit of " +
                detail::format_size(total - 1))
      << refused.error().message;
}

} // namespace
