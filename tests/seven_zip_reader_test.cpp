// SevenZipReader against archives made by the real 7-Zip (/usr/bin/7zz): every method and
// filter we claim, encryption with and without encrypted headers, and hostile input
// (truncation, corruption, traversal names, bombs, limits, random damage). Most archives are
// made at test time; the big ones (the 2 GiB bomb, 12,000 files) once by the fixture generator.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "archive/seven_zip_crc.hpp"
#include "fixture_manifest.hpp"
#include "reelcheck/archive.hpp"
#include "reelcheck/hex.hpp"
#include "reelcheck/testing.hpp"
#include "crypto/sha256.hpp"

namespace {

namespace fs = std::filesystem;
using reelcheck::ArchiveEntry;
using reelcheck::ByteView;
using reelcheck::ErrorCode;
using reelcheck::Limits;
using reelcheck::SevenZipReader;
using reelcheck::test::Bytes;
using reelcheck::test::view; // the shared helpers: a copy of its own collides in a unity batch
using Files = std::map<std::string, std::string>; // archive path -> content

Bytes read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_bytes(const fs::path& p, std::string_view data) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary).write(data.data(), static_cast<std::streamsize>(data.size()));
}

// Deterministic, mildly compressible text so LZMA has real work to do.
std::string sample_text(std::size_t size, unsigned seed) {
  std::mt19937 rng(seed);
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string s;
  s.reserve(size);
  while (s.size() < size)
    s.push_back((s.size() % 65 == 64) ? '\n' : kAlphabet[rng() % 64]);
  return s;
}

// x86-looking bytes: CALL (E8) instructions with relative targets, which BCJ rewrites.
std::string sample_x86(std::size_t size) {
  std::mt19937 rng(7);
  std::string s;
  while (s.size() + 5 <= size) {
    s.push_back(static_cast<char>(0xE8));
    const std::uint32_t target = rng() % 4096;
    for (int i = 0; i < 4; ++i)
      s.push_back(static_cast<char>((target >> (8 * i)) & 0xFF));
    s.append(std::string(rng() % 8, static_cast<char>(0x90)));
  }
  s.resize(size, static_cast<char>(0x90));
  return s;
}

class SevenZipReaderTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "rc7z-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Writes `files` under a fresh source folder and archives them with 7zz `switches`.
  Bytes make_archive(const Files& files, const std::string& switches,
                     const std::string& name = "a.7z") {
    const fs::path src = dir_ / ("src-" + name);
    fs::create_directories(src);
    for (const auto& [path, content] : files)
      write_bytes(src / path, content);
    const fs::path out = dir_ / name;
    run("cd '" + src.string() + "' && 7zz a -bd -bso0 -bsp0 -y " + switches + " '" + out.string() +
        "' .");
    return read_bytes(out);
  }

  void run(const std::string& command) {
    const std::string full = "LC_ALL=C.UTF-8 " + command + " >/dev/null 2>&1";
    ASSERT_EQ(std::system(full.c_str()), 0) << command;
  }

  static void expect_entries(const reelcheck::Result<std::vector<ArchiveEntry>>& result,
                             const Files& files) {
    ASSERT_TRUE(result.ok()) << result.error().message;
    std::map<std::string, std::string> got;
    for (const ArchiveEntry& e : result.value())
      got[e.name] = std::string(e.data.begin(), e.data.end());
    EXPECT_EQ(got.size(), files.size());
    for (const auto& [path, content] : files) {
      auto it = got.find(path);
      ASSERT_NE(it, got.end()) << "missing " << path;
      EXPECT_TRUE(it->second == content) << "content differs for " << path;
    }
  }

  fs::path dir_;
};

Files several_files() {
  return {{"one.txt", sample_text(5000, 1)},
          {"two.pem",
           "-----BEGIN CERTIFICATE-----\n" + sample_text(900, 2) + "-----END CERTIFICATE-----\n"},
          {"three.bin", sample_text(70000, 3)},
          {"tiny", "x"}};
}

// Recomputes NextHeaderCRC and StartHeaderCRC after a test patched the header.
void fix_header_crcs(Bytes& a) {
  auto le64 = [&](std::size_t at) {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i)
      v = (v << 8) | a[at + static_cast<std::size_t>(i)];
    return v;
  };
  auto put32 = [&](std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i)
      a[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (8 * i));
  };
  if (a.size() < 32) return;
  const std::uint64_t offset = le64(12);
  const std::uint64_t size = le64(20);
  if (offset <= a.size() - 32 && size <= a.size() - 32 - offset) {
    put32(28, reelcheck::detail::seven_zip_crc(ByteView(a).subspan(32 + offset, size)));
  }
  put32(8, reelcheck::detail::seven_zip_crc(ByteView(a).subspan(12, 20)));
}

std::size_t find(const Bytes& haystack, const Bytes& needle) {
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end());
  return it == haystack.end() ? std::string::npos : static_cast<std::size_t>(it - haystack.begin());
}

Bytes utf16le(std::string_view ascii) {
  Bytes out;
  for (char c : ascii)
    out.insert(out.end(), {static_cast<std::uint8_t>(c), 0});
  return out;
}

// --- methods and filters ---------------------------------------------------------------

TEST_F(SevenZipReaderTest, Lzma) {
  const Files files = several_files();
  expect_entries(SevenZipReader().read(view(make_archive(files, "-m0=LZMA")), "a.7z"), files);
}

TEST_F(SevenZipReaderTest, Lzma2Solid) {
  const Files files = several_files();
  expect_entries(SevenZipReader().read(view(make_archive(files, "-m0=LZMA2 -ms=on")), "a.7z"),
                 files);
}

TEST_F(SevenZipReaderTest, NonSolid) {
  const Files files = several_files();
  expect_entries(SevenZipReader().read(view(make_archive(files, "-ms=off")), "a.7z"), files);
}

TEST_F(SevenZipReaderTest, BcjFilter) {
  const Files files{{"prog.exe", sample_x86(100000)}, {"more.bin", sample_x86(3001)}};
  expect_entries(SevenZipReader().read(view(make_archive(files, "-mf=BCJ")), "a.7z"), files);
}

TEST_F(SevenZipReaderTest, DeltaFilter) {
  const Files files{{"samples.raw", sample_x86(40000)}, {"one.txt", sample_text(999, 9)}};
  expect_entries(SevenZipReader().read(view(make_archive(files, "-mf=Delta:4")), "a.7z"), files);
}

TEST_F(SevenZipReaderTest, Arm64Filter) {
  const Files files{{"arm.bin", sample_x86(20000)}};
  expect_entries(SevenZipReader().read(view(make_archive(files, "-mf=ARM64")), "a.7z"), files);
}

TEST_F(SevenZipReaderTest, LzmaWithBcjInOneFolder) {
  const Files files{{"prog.exe", sample_x86(50000)}};
  expect_entries(SevenZipReader().read(view(make_archive(files, "-m0=BCJ -m1=LZMA")), "a.7z"),
                 files);
}

TEST_F(SevenZipReaderTest, Copy) {
  const Files files = several_files();
  expect_entries(SevenZipReader().read(view(make_archive(files, "-mx0")), "a.7z"), files);
}

TEST_F(SevenZipReaderTest, EmptyFilesAndDirectoriesAreHandled) {
  const fs::path src = dir_ / "src";
  fs::create_directories(src / "empty_dir");
  fs::create_directories(src / "dir" / "nested_empty");
  write_bytes(src / "dir" / "file.txt", "content");
  write_bytes(src / "empty.txt", "");
  run("cd '" + src.string() + "' && 7zz a -bd -y '" + (dir_ / "e.7z").string() + "' .");
  auto result = SevenZipReader().read(view(read_bytes(dir_ / "e.7z")), "e.7z");
  expect_entries(result, {{"dir/file.txt", "content"}, {"empty.txt", ""}});
}

TEST_F(SevenZipReaderTest, SubfoldersAndNonAsciiNames) {
  const Files files{{"reel/Zertifikate/größe_ü.pem", "äöü"},
                    {"reel/日本/证书.txt", sample_text(300, 4)},
                    {"emoji_😀.txt", "surrogate pair in UTF-16"}};
  expect_entries(SevenZipReader().read(view(make_archive(files, "")), "a.7z"), files);
}

TEST_F(SevenZipReaderTest, EmptyArchiveHasNoEntries) {
  run("cd '" + dir_.string() + "' && 7zz a -bd -y empty.7z -x!*");
  auto result = SevenZipReader().read(view(read_bytes(dir_ / "empty.7z")), "empty.7z");
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_TRUE(result->empty());
}

// --- encryption -------------------------------------------------------------------------

TEST_F(SevenZipReaderTest, EncryptedDataOnly) {
  const Files files{{"PBS_keys.txt", sample_text(2000, 5)},
                    {"auto_keys.txt", sample_text(2000, 6)}};
  const Bytes archive = make_archive(files, "-pTransportKey123");
  expect_entries(SevenZipReader().read(view(archive), "keys.7z", view("TransportKey123")), files);
}

TEST_F(SevenZipReaderTest, EncryptedHeaders) {
  const Files files{{"PBS_keys.txt", sample_text(2000, 5)},
                    {"auto_keys.txt", sample_text(2000, 6)}};
  const Bytes archive = make_archive(files, "-pTransportKey123 -mhe=on");
  // The names are encrypted too: the plain text of a name must not appear in the archive.
  EXPECT_EQ(find(archive, utf16le("PBS_keys")), std::string::npos);
  expect_entries(SevenZipReader().read(view(archive), "keys.7z", view("TransportKey123")), files);
}

// The tests above derive the key on the SHA instructions where the CPU has them; 7-Zip's own
// archive must open on the portable SHA-256 too (the page's and other CPUs' path).
TEST_F(SevenZipReaderTest, EncryptedHeadersOnThePortableSha256) {
  const Files files{{"PBS_keys.txt", sample_text(2000, 5)}};
  const Bytes archive = make_archive(files, "-pTransportKey123 -mhe=on");
  const bool previous = reelcheck::testing::force_portable_sha256(true);
  auto result = SevenZipReader().read(view(archive), "keys.7z", view("TransportKey123"));
  reelcheck::testing::force_portable_sha256(previous);
  expect_entries(result, files);
}

TEST_F(SevenZipReaderTest, EncryptedNonSolidWithNonAsciiPassword) {
  const Files files{{"a.txt", sample_text(100, 7)}, {"b.txt", sample_text(50000, 8)}};
  const std::string password = "Grüße-😀-key";
  const Bytes archive = make_archive(files, "-ms=off -mhe=on '-p" + password + "'");
  expect_entries(SevenZipReader().read(view(archive), "keys.7z", view(password)), files);
}

TEST_F(SevenZipReaderTest, EncryptedLzmaWithBcj) {
  const Files files{{"prog.exe", sample_x86(30000)}};
  const Bytes archive = make_archive(files, "-m0=BCJ -m1=LZMA -pk");
  expect_entries(SevenZipReader().read(view(archive), "keys.7z", view("k")), files);
}

TEST_F(SevenZipReaderTest, WrongPasswordGivesWrongKeyAndNoEntries) {
  const Files files{{"PBS_keys.txt", sample_text(3000, 5)},
                    {"auto_keys.txt", sample_text(3000, 6)}};
  for (const std::string switches :
       {"-pRight", "-pRight -mhe=on", "-pRight -mx0", "-pRight -ms=off"}) {
    const Bytes archive = make_archive(files, switches);
    auto result = SevenZipReader().read(view(archive), "keys.7z", view("Wrong"));
    ASSERT_FALSE(result.ok()) << switches;
    EXPECT_EQ(result.error().code, ErrorCode::kWrongKey)
        << switches << ": " << result.error().message;
    EXPECT_NE(result.error().message.find("wrong transport key"), std::string::npos);
    EXPECT_NE(result.error().message.find("keys.7z"), std::string::npos);
  }
}

TEST_F(SevenZipReaderTest, EncryptedWithoutPasswordNeedsKey) {
  const Files files{{"PBS_keys.txt", "secret"}};
  for (const std::string switches : {"-pKey", "-pKey -mhe=on"}) {
    auto result = SevenZipReader().read(view(make_archive(files, switches)), "keys.7z");
    ASSERT_FALSE(result.ok()) << switches;
    EXPECT_EQ(result.error().code, ErrorCode::kPasswordRequired) << result.error().message;
    EXPECT_EQ(result.error().message, "keys.7z is encrypted: a transport key is needed");
  }
}

TEST_F(SevenZipReaderTest, PasswordThatIsNotUtf8IsBadInput) {
  const Bytes archive = make_archive({{"k.txt", "secret"}}, "-pKey");
  const Bytes bad{'K', 0xC3, 0x28};
  auto result = SevenZipReader().read(view(archive), "keys.7z", view(bad));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kBadInput) << result.error().message;
}

TEST_F(SevenZipReaderTest, PasswordIsIgnoredForPlainArchives) {
  const Files files = several_files();
  expect_entries(SevenZipReader().read(view(make_archive(files, "")), "a.7z", view("unused")),
                 files);
}

// --- unsupported methods ----------------------------------------------------------------

TEST_F(SevenZipReaderTest, PpmdIsUnsupportedByName) {
  auto result = SevenZipReader().read(view(make_archive(several_files(), "-m0=PPMd")), "a.7z");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kUnsupported);
  EXPECT_NE(result.error().message.find("compression method PPMd is not supported"),
            std::string::npos)
      << result.error().message;
}

TEST_F(SevenZipReaderTest, Bzip2IsUnsupportedByName) {
  auto result = SevenZipReader().read(view(make_archive(several_files(), "-m0=BZip2")), "a.7z");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kUnsupported);
  EXPECT_NE(result.error().message.find("BZip2"), std::string::npos) << result.error().message;
}

TEST_F(SevenZipReaderTest, Bcj2IsUnsupportedByName) {
  auto result =
      SevenZipReader().read(view(make_archive({{"p.exe", sample_x86(20000)}}, "-mf=BCJ2")), "a.7z");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kUnsupported);
  EXPECT_NE(result.error().message.find("BCJ2"), std::string::npos) << result.error().message;
}

// --- damaged and hostile input ----------------------------------------------------------

TEST_F(SevenZipReaderTest, NotAnArchive) {
  for (std::string_view junk :
       {"", "PK\x03\x04 not 7z", "hello world, definitely not an archive"}) {
    auto result = SevenZipReader().read(view(junk), "x.7z");
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, ErrorCode::kNotAnArchive);
  }
}

TEST_F(SevenZipReaderTest, TruncatedArchive) {
  const Bytes archive = make_archive(several_files(), "");
  for (std::size_t cut :
       {std::size_t{6}, std::size_t{20}, std::size_t{31}, std::size_t{32}, std::size_t{100},
        archive.size() / 2, archive.size() - 10, archive.size() - 1}) {
    const Bytes part(archive.begin(), archive.begin() + static_cast<std::ptrdiff_t>(cut));
    auto result = SevenZipReader().read(view(part), "a.7z");
    ASSERT_FALSE(result.ok()) << cut;
    EXPECT_EQ(result.error().code, ErrorCode::kTruncated)
        << "cut at " << cut << ": " << result.error().message;
  }
}

TEST_F(SevenZipReaderTest, CorruptedDataByteIsCrcMismatch) {
  const std::string content = sample_text(4000, 11);
  Bytes archive = make_archive({{"victim.pem", content}, {"other.pem", "fine"}}, "-mx0 -mhc=off");
  const std::size_t at = find(archive, Bytes(content.begin(), content.begin() + 64));
  ASSERT_NE(at, std::string::npos);
  archive[at + 1000] ^= 0x01;
  auto result = SevenZipReader().read(view(archive), "a.7z");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kCrcMismatch) << result.error().message;
  EXPECT_NE(result.error().message.find("victim.pem"), std::string::npos) << result.error().message;
}

TEST_F(SevenZipReaderTest, DamagedCompressedDataIsCorruptAndNamesTheFile) {
  const std::string content = sample_text(60000, 15);
  Bytes archive = make_archive({{"victim.pem", content}}, "-m0=LZMA2 -mhc=off");
  archive[32 + 200] ^= 0x55; // inside the LZMA2 stream, which starts right after the signature
  auto result = SevenZipReader().read(view(archive), "a.7z");
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.error().code == ErrorCode::kCorrupt ||
              result.error().code == ErrorCode::kCrcMismatch)
      << result.error().message;
  EXPECT_NE(result.error().message.find("victim.pem"), std::string::npos) << result.error().message;
}

TEST_F(SevenZipReaderTest, DamagedHeaderIsReported) {
  Bytes archive = make_archive(several_files(), "");
  archive[archive.size() - 3] ^= 0x40; // inside the (encoded) header: its CRC no longer fits
  auto result = SevenZipReader().read(view(archive), "a.7z");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kCrcMismatch) << result.error().message;
}

// --- every CRC is checked ----------------------------------------------------------------
// The fuzz targets recompute the header CRCs of their inputs themselves (fuzz/fuzz_crc_fixup.hpp)
// so that mutations reach the parsers; the library has no mode that skips a CRC. These tests
// (with CorruptedDataByteIsCrcMismatch for the per-file CRCs and DamagedHeaderIsReported for the
// next-header CRC) hold in every build: one flipped byte under each kind of CRC is caught.

TEST_F(SevenZipReaderTest, StartHeaderCrcIsChecked) {
  const Bytes original = make_archive(several_files(), "");
  // Bytes 12..31 (where the header lies, and its CRC) are covered by the CRC at 8..11; so is a
  // flip of that CRC itself.
  for (std::size_t at : {8, 12, 19, 20, 27, 28, 31}) {
    Bytes archive = original;
    archive[at] ^= 0x01;
    auto result = SevenZipReader().read(view(archive), "a.7z");
    ASSERT_FALSE(result.ok()) << at;
    EXPECT_EQ(result.error().code, ErrorCode::kCrcMismatch) << at << ": " << result.error().message;
    EXPECT_NE(result.error().message.find("start header"), std::string::npos)
        << result.error().message;
  }
}

TEST_F(SevenZipReaderTest, NextHeaderCrcIsCheckedOnPlainHeaders) {
  // DamagedHeaderIsReported flips a byte of an encoded header; here the header is the plain
  // one, names and all, which nothing else would check.
  Bytes archive = make_archive(several_files(), "-mhc=off");
  const std::size_t at = find(archive, utf16le("three.bin"));
  ASSERT_NE(at, std::string::npos);
  archive[at] ^= 0x01; // "thref.bin": a harmless name, only the CRC can tell
  auto result = SevenZipReader().read(view(archive), "a.7z");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kCrcMismatch) << result.error().message;
  EXPECT_NE(result.error().message.find("the archive header is damaged"), std::string::npos)
      << result.error().message;
}

// A 7z number (7zFormat.txt): the leading 1 bits of the first byte count the bytes that follow
// (little-endian); the first byte's remaining bits are the top of the value.
Bytes seven_zip_number(std::uint64_t v) {
  int n = 0;
  while (n < 8 && v >= (std::uint64_t{1} << (7 * (n + 1))))
    ++n;
  Bytes out{static_cast<std::uint8_t>(((0xFF00u >> n) & 0xFF) | (n < 8 ? v >> (8 * n) : 0))};
  for (int i = 0; i < n; ++i)
    out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  return out;
}

TEST_F(SevenZipReaderTest, FolderCrcIsChecked) {
  // 7-Zip gives a folder an unpack CRC of its own only in an encoded header, always LZMA-packed,
  // and our LZMA decoder already refuses any flipped bit there (the stream must end exactly).
  // So the header of a -mhc=off archive is wrapped here in an encoded header of one Copy folder
  // with its CRC: a flipped byte then decodes cleanly, and the folder CRC alone can catch it.
  const Bytes plain = make_archive(several_files(), "-mx0 -mhc=off");
  std::uint64_t offset = 0, size = 0;
  for (int i = 7; i >= 0; --i) {
    offset = (offset << 8) | plain[12 + static_cast<std::size_t>(i)];
    size = (size << 8) | plain[20 + static_cast<std::size_t>(i)];
  }
  ASSERT_EQ(plain.at(32 + offset), 0x01); // kHeader
  Bytes archive(plain.begin(), plain.begin() + static_cast<std::ptrdiff_t>(32 + offset + size));
  const std::uint32_t crc = reelcheck::detail::seven_zip_crc(
      ByteView(archive).subspan(static_cast<std::size_t>(32 + offset)));
  Bytes encoded{0x17, 0x06}; // kEncodedHeader, kPackInfo: the header is the last pack stream
  auto add = [&](const Bytes& b) { encoded.insert(encoded.end(), b.begin(), b.end()); };
  add(seven_zip_number(offset));
  add({0x01, 0x09}); // one pack stream, kSize
  add(seven_zip_number(size));
  add({0x00, 0x07, 0x0B, 0x01, 0x00, 0x01, 0x01, 0x00, 0x0C}); // kEnd, kUnpackInfo, kFolder,
  add(seven_zip_number(size)); // one folder, not external, one coder: Copy (id 00); its size
  add({0x0A, 0x01});           // kCRC, all defined
  for (int i = 0; i < 4; ++i)
    encoded.push_back(static_cast<std::uint8_t>(crc >> (8 * i)));
  add({0x00, 0x00}); // kEnd of the unpack info and of the streams info
  const std::uint64_t next_offset = offset + size, next_size = encoded.size();
  for (int i = 0; i < 8; ++i) {
    archive[12 + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(next_offset >> (8 * i));
    archive[20 + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(next_size >> (8 * i));
  }
  archive.insert(archive.end(), encoded.begin(), encoded.end());
  fix_header_crcs(archive);
  expect_entries(SevenZipReader().read(view(archive), "a.7z"), several_files());

  const std::size_t at = find(archive, utf16le("three.bin"));
  ASSERT_GT(at, 32 + offset); // in the packed header, not in the data
  archive[at] ^= 0x01;        // "thref.bin": a harmless name, only the CRC can tell
  auto result = SevenZipReader().read(view(archive), "a.7z");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kCrcMismatch) << result.error().message;
  EXPECT_NE(result.error().message.find("CRC mismatch in the archive header"), std::string::npos)
      << result.error().message;
}

TEST_F(SevenZipReaderTest, CrcOfEncryptedDataDetectsTampering) {
  // Copy + AES: no decompressor can notice anything, so a flipped byte of ciphertext (garbled
  // plaintext, right key) is caught by the CRC alone, and reported as the key not fitting.
  const std::string content = sample_text(3000, 12);
  const Bytes original = make_archive({{"PBS_keys.txt", content}}, "-mx0 -mhc=off -pRight");
  ASSERT_TRUE(SevenZipReader().read(view(original), "keys.7z", view("Right")).ok());
  for (std::size_t at : {std::size_t{32}, std::size_t{32 + 1500}, std::size_t{32 + 2990}}) {
    Bytes archive = original;
    archive[at] ^= 0x01;
    auto result = SevenZipReader().read(view(archive), "keys.7z", view("Right"));
    ASSERT_FALSE(result.ok()) << at;
    EXPECT_EQ(result.error().code, ErrorCode::kWrongKey) << at << ": " << result.error().message;
  }
}

TEST_F(SevenZipReaderTest, TraversalNameIsRejected) {
  const fs::path src = dir_ / "src";
  write_bytes(src / "aa" / "x.txt", "escape attempt");
  run("cd '" + src.string() + "' && 7zz a -bd -y -mx0 -mhc=off '" + (dir_ / "t.7z").string() +
      "' aa/x.txt");
  Bytes archive = read_bytes(dir_ / "t.7z");
  const std::size_t at = find(archive, utf16le("aa/x.txt"));
  ASSERT_NE(at, std::string::npos);
  archive[at] = archive[at + 2] = '.';
  fix_header_crcs(archive);
  auto result = SevenZipReader().read(view(archive), "t.7z");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kUnsafeName) << result.error().message;
  EXPECT_NE(result.error().message.find("../x.txt"), std::string::npos) << result.error().message;
}

TEST_F(SevenZipReaderTest, AbsoluteNameIsRejected) {
  const fs::path src = dir_ / "src";
  write_bytes(src / "ab" / "x.txt", "escape attempt");
  run("cd '" + src.string() + "' && 7zz a -bd -y -mx0 -mhc=off '" + (dir_ / "t.7z").string() +
      "' ab/x.txt");
  Bytes archive = read_bytes(dir_ / "t.7z");
  const std::size_t at = find(archive, utf16le("ab/x.txt"));
  ASSERT_NE(at, std::string::npos);
  archive[at] = '/';
  fix_header_crcs(archive);
  auto result = SevenZipReader().read(view(archive), "t.7z");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kUnsafeName) << result.error().message;
}

// --- limits -----------------------------------------------------------------------------

TEST_F(SevenZipReaderTest, EntryOverSizeLimit) {
  const Bytes archive =
      make_archive({{"big.txt", sample_text(20000, 12)}, {"small.txt", "ok"}}, "");
  Limits limits;
  limits.max_entry_size = 10000;
  auto result = SevenZipReader(limits).read(view(archive), "a.7z");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kLimitExceeded);
  EXPECT_NE(result.error().message.find("entry big.txt exceeds the 10000 bytes limit"),
            std::string::npos)
      << result.error().message;
}

TEST_F(SevenZipReaderTest, TotalOverLimit) {
  const Bytes archive = make_archive(
      {{"a.txt", sample_text(20000, 12)}, {"b.txt", sample_text(20000, 13)}}, "-ms=off");
  Limits limits;
  limits.max_total_size = 30000;
  auto result = SevenZipReader(limits).read(view(archive), "a.7z");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kLimitExceeded) << result.error().message;
}

// The bomb is the fixture bundle 'bomb' (made once by tests/fixtures/make_fixtures.sh for
// every build: compressing 2 GiB takes seconds).
TEST_F(SevenZipReaderTest, TwoGibibyteBombIsRejectedWithDefaultLimits) {
  const auto& bomb = reelcheck::test::archive_input("seven_zip_bomb");
  ASSERT_EQ(bomb.at("entry_size").get<std::uint64_t>(), 2ull << 30);
  const Bytes archive = read_bytes(reelcheck::test::archive_input_path("seven_zip_bomb"));
  ASSERT_GT(archive.size(), 0u);
  ASSERT_LT(archive.size(), 4u << 20);
  // Refused from the header, before decompression (bench/archive_bench.cpp times it).
  auto result = SevenZipReader().read(view(archive), "bomb.7z");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kLimitExceeded);
  const std::string entry = bomb.at("entry").get<std::string>();
  EXPECT_NE(result.error().message.find("entry " + entry + " exceeds the 256 MiB limit"),
            std::string::npos)
      << result.error().message;
}

TEST_F(SevenZipReaderTest, DictionaryLimit) {
  const Files files{{"data.txt", sample_text(300000, 14)}};
  const Bytes archive = make_archive(files, "-m0=LZMA:d=1m");
  Limits limits;
  limits.max_dictionary = 64u << 10;
  auto result = SevenZipReader(limits).read(view(archive), "a.7z");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kLimitExceeded);
  EXPECT_NE(result.error().message.find("dictionary"), std::string::npos) << result.error().message;
  // The same archive is fine under the default limit.
  expect_entries(SevenZipReader().read(view(archive), "a.7z"), files);
}

TEST_F(SevenZipReaderTest, EntryCountLimit) {
  Files files;
  for (int i = 0; i < 10; ++i)
    files["f" + std::to_string(i) + ".txt"] = "content " + std::to_string(i);
  const Bytes archive = make_archive(files, "");
  Limits limits;
  limits.max_entries = 5;
  auto result = SevenZipReader(limits).read(view(archive), "a.7z");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kLimitExceeded) << result.error().message;
  limits.max_entries = 10;
  expect_entries(SevenZipReader(limits).read(view(archive), "a.7z"), files);
}

// --- scale ------------------------------------------------------------------------------

// How long this takes is measured by bench/archive_bench.cpp, not asserted here. The archive
// (solid LZMA2, made once by tests/fixtures/make_fixtures.sh) comes with the SHA-256 of every
// file it holds.
TEST_F(SevenZipReaderTest, TwelveThousandPemFilesAreAllRead) {
  const auto& pems = reelcheck::test::archive_input("many_pems");
  const fs::path listing_path =
      reelcheck::test::fixtures_dir() / pems.at("listing").get<std::string>();
  std::ifstream listing(listing_path);
  ASSERT_TRUE(listing) << listing_path;
  std::map<std::string, std::string> expected; // name -> SHA-256 hex
  std::string digest, name;
  while (listing >> digest >> name)
    expected[name] = digest;
  ASSERT_EQ(expected.size(), 12000u);
  ASSERT_EQ(pems.at("entries").get<std::size_t>(), expected.size());

  const Bytes archive = read_bytes(reelcheck::test::archive_input_path("many_pems"));
  auto result = SevenZipReader().read(view(archive), "certs.7z");
  ASSERT_TRUE(result.ok()) << result.error().message;
  ASSERT_EQ(result.value().size(), expected.size());
  std::set<std::string> seen;
  for (const ArchiveEntry& e : result.value()) {
    auto it = expected.find(e.name);
    ASSERT_NE(it, expected.end()) << "unexpected entry " << e.name;
    ASSERT_TRUE(seen.insert(e.name).second) << "entry twice: " << e.name;
    reelcheck::detail::Sha256 sha;
    sha.update(e.data);
    EXPECT_EQ(reelcheck::to_hex(sha.finish()), it->second) << "content differs for " << e.name;
  }
}

// --- robustness -------------------------------------------------------------------------

// Damages a small archive in many ways and only asks read() to come back. Half of the
// iterations repair the header CRCs so the damage reaches the parser instead of stopping
// at the CRC check.
void damage_loop(const Bytes& original, ByteView password, int iterations, unsigned seed) {
  std::mt19937 rng(seed);
  SevenZipReader reader;
  std::map<std::string, int> outcomes; // printed: shows how deep the damage got
  for (int i = 0; i < iterations; ++i) {
    Bytes a = original;
    const int mode = static_cast<int>(rng() % 4);
    if (mode == 0) {
      a.resize(rng() % a.size());
    } else {
      const int flips = 1 + static_cast<int>(rng() % 4);
      for (int f = 0; f < flips; ++f) {
        // Bias towards the header at the end, where structure lives.
        const std::size_t at = (rng() % 2)
                                   ? a.size() - 1 - rng() % std::min<std::size_t>(a.size(), 200)
                                   : rng() % a.size();
        a[at] = (mode == 1) ? static_cast<std::uint8_t>(rng())
                            : static_cast<std::uint8_t>(a[at] ^ (1u << (rng() % 8)));
      }
      if (rng() % 2) fix_header_crcs(a);
    }
    auto result = reader.read(view(a), "fuzz.7z", password);
    ++outcomes[result.ok() ? "ok" : std::string(reelcheck::error_code_name(result.error().code))];
    if (result.ok()) {
      for (const ArchiveEntry& e : result.value())
        ASSERT_FALSE(e.name.empty());
    }
  }
  std::string summary;
  for (const auto& [outcome, count] : outcomes)
    summary += " " + outcome + "=" + std::to_string(count);
  std::printf("damage seed %u:%s\n", seed, summary.c_str());
}

TEST_F(SevenZipReaderTest, RobustAgainstRandomDamage) {
  const Files files{{"a.txt", sample_text(700, 1)}, {"d/b.pem", sample_text(300, 2)}, {"e", ""}};
  damage_loop(make_archive(files, "-mtm=off -mhc=off", "plain.7z"), {}, 1500, 1);
  damage_loop(make_archive(files, "-mtm=off", "packed.7z"), {}, 1000, 2);
  damage_loop(make_archive(files, "-mtm=off -mx0 -mhc=off -mf=Delta:2", "copy.7z"), {}, 500, 3);
  damage_loop(make_archive({{"p.exe", sample_x86(600)}}, "-m0=BCJ -m1=LZMA -ms=off", "bcj.7z"), {},
              500, 4);
}

// Encrypted archives: the key derivation normally takes 2^19 hashes per read, so the test
// lowers the archive's NumCyclesPower (key derivation no longer matches, which is fine: we
// only want the AES path exercised under damage) to keep thousands of reads fast.
TEST_F(SevenZipReaderTest, RobustAgainstRandomDamageWhenEncrypted) {
  Bytes archive = make_archive({{"PBS_keys.txt", sample_text(500, 3)}}, "-pkey -mhc=off", "enc.7z");
  const std::size_t at = find(archive, Bytes{0x06, 0xF1, 0x07, 0x01});
  ASSERT_NE(at, std::string::npos);
  archive[at + 5] = static_cast<std::uint8_t>((archive[at + 5] & 0xC0) | 2); // 2^2 rounds
  fix_header_crcs(archive);
  auto result = SevenZipReader().read(view(archive), "enc.7z", view("key"));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kWrongKey) << result.error().message;
  damage_loop(archive, view("key"), 1500, 5);
}

} // namespace
