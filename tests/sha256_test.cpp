// The SHA-256 stream (crypto/sha256.hpp) on both of its paths: the SHA instructions (x86-64
// SHA-NI) and the portable code (written to keep its values in registers and wasm locals), both
// hand-written, so trusted only after these tests. Every test runs once per path; the portable
// path is forced through the test hook (reelcheck/testing.hpp), and each digest checks that the
// stream really took the path under test. On a CPU without the SHA extensions the hardware half
// is skipped, saying so.
//   - known answers: the FIPS 180-2 / NIST examples (empty, "abc", the 448- and 896-bit
//     messages, a million 'a') and messages around the padding boundaries (55, 56, 63, 64, 65,
//     119, 120, 128 bytes), whose digests were computed with GNU coreutils' sha256sum, an
//     implementation independent of mbedTLS and OpenSSL;
//   - streaming: the same messages fed in odd chunk sizes, so a block is split across updates
//     at every offset;
//   - differential: random lengths and random splits against OpenSSL's SHA-256 and mbedTLS's.
#include <gtest/gtest.h>
#include <mbedtls/sha256.h>
#include <openssl/evp.h>

#include <array>
#include <cstdio>
#include <ostream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/sha256.hpp"
#include "reelcheck/testing.hpp"
#include "util/hex.hpp"

using reelcheck::detail::Sha256;

namespace {

enum class Path { kShaInstructions, kPortable };

// So that gtest names the path in a failure instead of printing the enum's bytes.
[[maybe_unused]] void PrintTo(Path path, std::ostream* out) {
  *out << (path == Path::kShaInstructions ? "SHA instructions" : "portable");
}

std::string path_name(const ::testing::TestParamInfo<Path>& info) {
  return info.param == Path::kShaInstructions ? "ShaInstructions" : "Portable";
}

// Whether this CPU has the SHA extensions (asked with the hook off).
bool cpu_has_sha_instructions() {
  const bool before = reelcheck::testing::force_portable_sha256(false);
  const bool has = Sha256::hardware_accelerated();
  reelcheck::testing::force_portable_sha256(before);
  return has;
}

reelcheck::ByteView bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::array<std::uint8_t, 32> openssl_sha256(reelcheck::ByteView data) {
  std::array<std::uint8_t, 32> out{};
  unsigned size = 0;
  EXPECT_EQ(EVP_Digest(data.data(), data.size(), out.data(), &size, EVP_sha256(), nullptr), 1);
  EXPECT_EQ(size, 32u);
  return out;
}

std::array<std::uint8_t, 32> mbedtls_sha256(reelcheck::ByteView data) {
  std::array<std::uint8_t, 32> out{};
  mbedtls_sha256_ret(data.data(), data.size(), out.data(), 0);
  return out;
}

class Sha256Path : public ::testing::TestWithParam<Path> {
protected:
  void SetUp() override {
    if (GetParam() == Path::kShaInstructions && !cpu_has_sha_instructions())
      GTEST_SKIP() << "this CPU has no SHA extensions: only the portable path runs here";
    previous_ = reelcheck::testing::force_portable_sha256(GetParam() == Path::kPortable);
  }
  void TearDown() override { reelcheck::testing::force_portable_sha256(previous_); }

  // A new stream, after checking that it took the path under test.
  void check_path(const Sha256& sha) const {
    ASSERT_EQ(sha.uses_sha_instructions(), GetParam() == Path::kShaInstructions);
  }

  // The digest of `data` fed in chunks of `chunk` bytes (0: one update), as lower hex.
  std::string digest(reelcheck::ByteView data, std::size_t chunk = 0) const {
    Sha256 sha;
    check_path(sha);
    if (chunk == 0) chunk = data.size() + 1;
    for (std::size_t at = 0; at < data.size(); at += chunk)
      sha.update(data.subspan(at, std::min(chunk, data.size() - at)));
    return reelcheck::detail::to_hex(sha.finish());
  }

private:
  bool previous_ = false;
};

struct KnownAnswer {
  std::string message;
  std::string_view digest;
};

std::string repeated(char c, std::size_t n) {
  return std::string(n, c);
}

// FIPS 180-2 appendix B and the NIST examples, then 'a' * n around the padding boundaries
// (a 55-byte message is the longest whose length fits its last block; 56 needs a second one).
std::vector<KnownAnswer> known_answers() {
  return {
      {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
      {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
      {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlm"
       "nopqrsmnopqrstnopqrstu",
       "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
      {repeated('a', 55), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
      {repeated('a', 56), "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
      {repeated('a', 63), "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"},
      {repeated('a', 64), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"},
      {repeated('a', 65), "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"},
      {repeated('a', 119), "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"},
      {repeated('a', 120), "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c"},
      {repeated('a', 128), "6836cf13bac400e9105071cd6af47084dfacad4e5e302c94bfed24e013afb73e"},
  };
}

constexpr std::string_view kMillionA =
    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";

} // namespace

INSTANTIATE_TEST_SUITE_P(BothPaths, Sha256Path,
                         ::testing::Values(Path::kShaInstructions, Path::kPortable), path_name);

TEST_P(Sha256Path, KnownAnswers) {
  for (const auto& kat : known_answers())
    EXPECT_EQ(digest(bytes(kat.message)), kat.digest) << kat.message.size() << " bytes";
}

TEST_P(Sha256Path, KnownAnswersStreamedInEveryChunkSize) {
  for (const auto& kat : known_answers())
    for (std::size_t chunk = 1; chunk <= kat.message.size(); ++chunk)
      ASSERT_EQ(digest(bytes(kat.message), chunk), kat.digest)
          << kat.message.size() << " bytes in chunks of " << chunk;
}

TEST_P(Sha256Path, MillionA) {
  const std::string a = repeated('a', 1'000'000);
  EXPECT_EQ(digest(bytes(a)), kMillionA);
  // Odd chunk sizes: a block split at every kind of offset, and updates of many blocks at once.
  for (const std::size_t chunk : {1, 3, 7, 55, 63, 65, 127, 1000, 4097, 65537})
    EXPECT_EQ(digest(bytes(a), chunk), kMillionA) << "chunks of " << chunk;
}

// Uneven updates, as the 7z key derivation and the readers make them: lengths that change
// from one update to the next.
TEST_P(Sha256Path, MillionAInUnevenUpdates) {
  const std::string a = repeated('a', 1'000'000);
  Sha256 sha;
  check_path(sha);
  std::size_t at = 0;
  for (std::size_t k = 0; at < a.size(); ++k) {
    const std::size_t take = std::min(a.size() - at, (k * 37 + 11) % 301);
    sha.update(bytes(std::string_view(a).substr(at, take)));
    at += take;
  }
  EXPECT_EQ(reelcheck::detail::to_hex(sha.finish()), kMillionA);
}

TEST_P(Sha256Path, EqualsOpensslAndMbedtlsOnRandomLengthsAndSplits) {
  std::mt19937_64 rng(GetParam() == Path::kPortable ? 11 : 7);
  auto check = [&](std::size_t len) {
    std::vector<std::uint8_t> data(len);
    for (auto& b : data)
      b = static_cast<std::uint8_t>(rng());
    const auto expected = openssl_sha256(data);
    ASSERT_EQ(expected, mbedtls_sha256(data)) << "the two references disagree";
    for (int split = 0; split < 3; ++split) {
      Sha256 sha;
      check_path(sha);
      std::size_t at = 0;
      while (at < len) {
        const std::size_t take = std::min<std::size_t>(
            len - at, split == 0 ? len : 1 + rng() % (split == 1 ? 97 : 4099));
        sha.update({data.data() + at, take});
        at += take;
      }
      ASSERT_EQ(sha.finish(), expected) << "length " << len << " split " << split;
    }
  };
  for (std::size_t len = 0; len <= 300; ++len)
    check(len);
  for (int i = 0; i < 300; ++i)
    check(rng() % 20'000);
  check((3u << 20) + 17);
}

// The path each stream takes is fixed when it is made: the hook changes only later streams.
TEST(Sha256, ForcingThePortablePathLeavesExistingStreamsAlone) {
  const bool hardware = cpu_has_sha_instructions();
  std::printf("SHA instructions on this CPU: %s\n", hardware ? "yes" : "no");
  Sha256 before;
  EXPECT_EQ(before.uses_sha_instructions(), hardware);
  const bool previous = reelcheck::testing::force_portable_sha256(true);
  Sha256 forced;
  EXPECT_FALSE(forced.uses_sha_instructions());
  EXPECT_FALSE(Sha256::hardware_accelerated());
  EXPECT_EQ(before.uses_sha_instructions(), hardware);
  reelcheck::testing::force_portable_sha256(previous);
  EXPECT_EQ(Sha256::hardware_accelerated(), hardware);
  before.update(bytes("abc"));
  forced.update(bytes("abc"));
  EXPECT_EQ(before.finish(), forced.finish());
}
