#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "reelcheck/certificate.hpp"
#include "reelcheck/chip_id.hpp"
#include "util/civil_time.hpp"

using namespace reelcheck;

TEST(ChipId, DecodesBatchAndWaferPosition) {
  const auto id = parse_chip_id("0a1b2c3d4e5f00120034");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->hex(), "0A1B2C3D4E5F00120034");
  EXPECT_EQ(id->batch_hex(), "0A1B2C3D4E5F");
  EXPECT_EQ(id->wafer_x(), 0x12);
  EXPECT_EQ(id->wafer_y(), 0x34);
  EXPECT_FALSE(parse_chip_id("0A1B2C3D4E5F0012003"));
  EXPECT_FALSE(parse_chip_id("0A1B2C3D4E5F0012003G"));
}

TEST(ChipId, CoprocessorUidCarriesTheChipIdAtOffset11) {
  // 11 bytes of header, the 10-byte chip ID, 6 trailing bytes = 27 bytes.
  const std::string uid = "CD16339401001C000500000A1B2C3D4E5F00120034"
                          "01005E000000";
  ASSERT_EQ(uid.size(), 54u);
  const auto id = parse_chip_lookup(uid);
  ASSERT_TRUE(id);
  EXPECT_EQ(id->hex(), "0A1B2C3D4E5F00120034");
  // Spaced or colon-separated bytes, 0x prefixes, lower case.
  EXPECT_EQ(parse_chip_lookup(
                "cd:16:33:94:01:00:1c:00:05:00:00:0a:1b:2c:3d:4e:5f:00:12:00:34:01:00:5e:00:00:00")
                ->hex(),
            "0A1B2C3D4E5F00120034");
  EXPECT_EQ(parse_chip_lookup("0x0A1B2C3D4E5F00120034")->hex(), "0A1B2C3D4E5F00120034");
  EXPECT_EQ(parse_chip_lookup(" 0a1b 2c3d 4e5f 0012 0034 ")->hex(), "0A1B2C3D4E5F00120034");
  EXPECT_FALSE(parse_chip_lookup("0A1B2C3D4E5F0012003")); // 19 digits
  EXPECT_FALSE(parse_chip_lookup(uid.substr(2)));         // 26 bytes
  EXPECT_FALSE(parse_chip_lookup("not a chip"));
}

TEST(CheckTime, ParsesAndFormatsIso8601) {
  EXPECT_EQ(*parse_check_time("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*parse_check_time("2026-06-01T00:00:00Z"), 1780272000);
  EXPECT_EQ(*parse_check_time("2026-06-01"), 1780272000);
  EXPECT_EQ(*parse_check_time("2000-02-29 12:30"), 951827400);
  EXPECT_EQ(*parse_check_time("@1780272000"), 1780272000);
  EXPECT_EQ(format_check_time(1780272000), "2026-06-01T00:00:00Z");
  EXPECT_EQ(format_check_time(951827400), "2000-02-29T12:30:00Z");
  EXPECT_FALSE(parse_check_time("2026-13-01"));
  EXPECT_FALSE(parse_check_time("yesterday"));
  EXPECT_FALSE(parse_check_time("2026-06-01T00:00:00+02:00"));
}

// Validity times and check times are written without snprintf in the usual case: the same text
// as the printf format it replaced, at every width edge and outside the fixed widths.
TEST(CheckTime, CivilTimesAreWrittenAsThePrintfFormatWould) {
  const auto reference = [](const detail::CivilTime& c) {
    char buf[80];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year, c.month, c.day,
                  c.hour, c.minute, c.second);
    return std::string(buf);
  };
  std::size_t checked = 0;
  for (int year : {0, 1, 9, 10, 99, 100, 999, 1000, 1950, 2049, 9999, 10000, 12345, -1})
    for (int month : {0, 1, 9, 10, 12, 99, 100, -3})
      for (int day : {1, 9, 10, 31, 123})
        for (int hour : {0, 9, 23, -1})
          for (int minute : {0, 5, 59})
            for (int second : {0, 7, 59, 60}) {
              const detail::CivilTime c{year, month, day, hour, minute, second};
              ASSERT_EQ(detail::format_civil(c), reference(c))
                  << year << " " << month << " " << day << " " << hour << " " << minute << " "
                  << second;
              ++checked;
            }
  EXPECT_EQ(checked, 14u * 8 * 5 * 4 * 3 * 4);
  EXPECT_EQ(format_check_time(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_check_time(253402300799), "9999-12-31T23:59:59Z");
}

TEST(CheckTime, RejectsDaysThatDoNotExist) {
  // These used to roll over silently (2026-02-31 became 2026-03-03).
  for (const char* bad : {"2026-02-31", "2026-02-29", "1900-02-29", "2026-04-31", "2026-06-00",
                          "2026-06-01T24:00:00Z", "2026-06-01T23:59:60Z"})
    EXPECT_FALSE(parse_check_time(bad)) << bad;
  EXPECT_TRUE(parse_check_time("2024-02-29"));
  EXPECT_TRUE(parse_check_time("2000-02-29"));
  EXPECT_TRUE(parse_check_time("2026-12-31T23:59:59Z"));
}
