// The util/ helpers every archive reader and message relies on: little-endian loads and the
// text of limit and name messages.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>

#include "util/bytes.hpp"
#include "util/format.hpp"

using namespace reelcheck::detail;

TEST(UtilBytes, LoadsLittleEndianNumbers) {
  // Bytes with the high bit set in places, so a sign-extending or byte-swapped load shows.
  constexpr std::array<std::uint8_t, 10> b{0x00, 0x04, 0x8D, 0x9B, 0xD5,
                                           0x0F, 0xFF, 0x80, 0x01, 0xFE};
  EXPECT_EQ(load_le16(b.data()), 0x0400u);
  EXPECT_EQ(load_le16(b.data() + 6), 0x80FFu);
  EXPECT_EQ(load_le32(b.data() + 2), 0x0FD59B8Du);
  EXPECT_EQ(load_le32(b.data() + 6), 0xFE0180FFu); // high bit set: no sign extension
  EXPECT_EQ(load_le64(b.data() + 2), 0xFE0180FF0FD59B8Dull);
  EXPECT_EQ(load_le16(std::span(b), 8), 0xFE01u);
  EXPECT_EQ(load_le32(std::span(b), std::uint64_t{6}), 0xFE0180FFu);
  static_assert(load_le32(std::array<std::uint8_t, 4>{0x50, 0x4B, 0x03, 0x04}.data()) ==
                0x04034B50u); // a zip local header signature
}

TEST(UtilFormat, SizesInTheUnitsLimitsAreConfiguredIn) {
  EXPECT_EQ(format_size(256ull << 20), "256 MiB");
  EXPECT_EQ(format_size(4096ull << 20), "4096 MiB");
  EXPECT_EQ(format_size(2048), "2 KiB");
  EXPECT_EQ(format_size(1536ull << 10), "1536 KiB");
  EXPECT_EQ(format_size(3003), "3003 bytes");
  EXPECT_EQ(format_size((1ull << 20) + 1), "1048577 bytes");
  EXPECT_EQ(format_size(0), "0 bytes");
}

TEST(UtilFormat, PrintableNamesHaveNoControlCharactersAndCanBeCut) {
  using namespace std::string_literals;
  EXPECT_EQ(printable("R2400017_B7F3C1_E0E0_Certs.7z"), "R2400017_B7F3C1_E0E0_Certs.7z");
  EXPECT_EQ(printable("a\0b\x1B[2Jc\x7F"s), "a?b?[2Jc?");
  EXPECT_EQ(printable("caf\xC3\xA9"), "caf\xC3\xA9"); // UTF-8 passes untouched
  const std::string long_name(300, 'x');
  EXPECT_EQ(printable(long_name), long_name);
  EXPECT_EQ(printable(long_name, 200), std::string(200, 'x') + "...");
  EXPECT_EQ(printable(std::string(200, 'x'), 200), std::string(200, 'x'));
}
