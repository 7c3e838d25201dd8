// The SHA-256 stream used by the 7z key derivation: hardware path (SHA-NI, where the CPU has
// it) and portable path must both equal mbedTLS's SHA-256 for every length and every way of
// splitting the input into updates.
#include <gtest/gtest.h>

#include <mbedtls/sha256.h>

#include <random>

#include "crypto/sha256.hpp"

using reelcheck::detail::Sha256;

namespace {

std::array<std::uint8_t, 32> reference(const std::vector<std::uint8_t>& data) {
  std::array<std::uint8_t, 32> out{};
  mbedtls_sha256_ret(data.data(), data.size(), out.data(), 0);
  return out;
}

} // namespace

TEST(Sha256, KnownAnswer) {
  Sha256 sha;
  const std::string abc = "abc";
  sha.update({reinterpret_cast<const std::uint8_t*>(abc.data()), abc.size()});
  const auto digest = sha.finish();
  const std::array<std::uint8_t, 32> expected = {
      0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
      0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
  EXPECT_EQ(digest, expected);
}

TEST(Sha256, EqualsMbedtlsForEveryLengthAndSplit) {
  std::mt19937 rng(7);
  std::printf("SHA instructions in use: %s\n", Sha256::hardware_accelerated() ? "yes" : "no");
  for (std::size_t len = 0; len < 400; ++len) {
    std::vector<std::uint8_t> data(len);
    for (auto& b : data) b = std::uint8_t(rng());
    for (int split = 0; split < 4; ++split) {
      Sha256 sha;
      std::size_t at = 0;
      while (at < len) {
        const std::size_t take = std::min<std::size_t>(len - at, split == 0 ? len : 1 + rng() % 97);
        sha.update({data.data() + at, take});
        at += take;
      }
      ASSERT_EQ(sha.finish(), reference(data)) << "length " << len << " split " << split;
    }
  }
  std::vector<std::uint8_t> big(3 << 20);
  for (auto& b : big) b = std::uint8_t(rng());
  Sha256 sha;
  sha.update({big.data(), big.size()});
  EXPECT_EQ(sha.finish(), reference(big));
}
