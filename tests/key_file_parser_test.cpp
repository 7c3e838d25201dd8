#include <gtest/gtest.h>

#include "reelcheck/key_file.hpp"

using namespace reelcheck;

namespace {

const std::string kChipA = "0A1B2C3D4E5F00120034";
const std::string kChipB = "0A1B2C3D4E5F00130035";
std::string key_hex(char digit) {
  return std::string(128, digit);
}

KeyFile parse(const std::string& text) {
  return KeyFileParser().parse(
      ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()), "PBS_keys.txt");
}

std::vector<std::string> codes(const KeyFile& f) {
  std::vector<std::string> out;
  for (const auto& x : f.findings)
    if (x.severity == Severity::kError) out.push_back(std::string(finding_code_name(x.code)));
  return out;
}

} // namespace

TEST(KeyFileParser, PlainCommaSeparatedLines) {
  const auto f = parse(kChipA + "," + key_hex('1') + "\n" + kChipB + "," + key_hex('2') + "\n");
  ASSERT_EQ(f.records.size(), 2u);
  EXPECT_EQ(f.records[0].chip_id, kChipA);
  EXPECT_EQ(f.records[0].line, 1u);
  EXPECT_EQ(f.records[1].line, 2u);
  ASSERT_EQ(f.records[1].key.size(), 64u);
  EXPECT_EQ(f.records[1].key[0], 0x22);
  EXPECT_TRUE(f.findings.empty());
}

TEST(KeyFileParser, ToleratesEveryFormQuirk) {
  const std::string bom = "\xEF\xBB\xBF";
  std::string lower = kChipB;
  for (char& c : lower)
    c = static_cast<char>(std::tolower(c));
  const std::vector<std::string> files = {
      bom + kChipA + "," + key_hex('a') + "\r\n" + kChipB + "," + key_hex('B') + "\r\n",
      "chipID,PBS\n" + kChipA + ";" + key_hex('a') + "\n" + lower + " ; " + key_hex('b') + "\n",
      kChipA + "\t" + key_hex('a') + "\n\n" + kChipB + "  " + key_hex('b'),
      "\"" + kChipA + "\",\"0x" + key_hex('a') + "\"\n" + kChipB + ", " + key_hex('b') + "\n",
  };
  for (const auto& text : files) {
    const auto f = parse(text);
    ASSERT_EQ(f.records.size(), 2u) << text;
    EXPECT_EQ(f.records[0].chip_id, kChipA);
    EXPECT_EQ(f.records[1].chip_id, kChipB); // normalised to upper case
    EXPECT_EQ(f.records[0].key[0], 0xAA);
    EXPECT_EQ(f.records[1].key[63], 0xBB);
    EXPECT_TRUE(codes(f).empty()) << text;
  }
}

TEST(KeyFileParser, ReportsEveryMalformedLineWithItsLineNumber) {
  const std::string text = kChipA + "," + std::string(64, '1') + "\n"      // 32-byte key
                           + kChipB + "," + std::string(127, '1') + "Z\n"  // not hex
                           + "0A1B2C3D4E5F001200," + key_hex('3') + "\n"   // 9-byte chip
                           + "0A1B2C3D4E5F00140036," + key_hex('4') + "\n" // good
                           + "0A1B2C3D4E5F00140036," + key_hex('5') + "\n" // duplicate
                           + "0A1B2C3D4E5F00150037\n"                      // one field
                           + "0A1B2C3D4E5F00160038," + key_hex('6') + ",extra\n";
  const auto f = parse(text);
  ASSERT_EQ(f.records.size(), 1u);
  EXPECT_EQ(f.records[0].chip_id, "0A1B2C3D4E5F00140036");
  EXPECT_EQ(f.records[0].key[0], 0x44); // the first of the duplicates is kept
  ASSERT_EQ(f.findings.size(), 6u);
  const std::vector<std::uint32_t> lines = {1, 2, 3, 5, 6, 7};
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(f.findings[i].line, lines[i]);
    EXPECT_EQ(f.findings[i].file, "PBS_keys.txt");
  }
  EXPECT_EQ(f.findings[0].code, FindingCode::kBadKeyLine);
  EXPECT_EQ(f.findings[0].chip_id, kChipA);
  EXPECT_NE(f.findings[0].message.find("32 bytes, expected 64"), std::string::npos);
  EXPECT_EQ(f.findings[1].chip_id, kChipB);
  EXPECT_NE(f.findings[2].message.find("18 hex digits"), std::string::npos);
  EXPECT_EQ(f.findings[3].code, FindingCode::kDuplicateChip);
  // Both lines are named, and the keys differ ('4...' vs '5...').
  EXPECT_NE(f.findings[3].message.find("line 4 and again on line 5 with a different key"),
            std::string::npos)
      << f.findings[3].message;
  EXPECT_EQ(f.findings[4].code, FindingCode::kBadKeyLine);
  EXPECT_EQ(f.findings[5].code, FindingCode::kBadKeyLine);
}

TEST(KeyFileParser, ARepeatedLineWithTheSameKeyIsNamedAsSuch) {
  const std::string line = kChipA + "," + key_hex('7') + "\n";
  const auto f = parse(line + kChipB + "," + key_hex('8') + "\n" + line);
  ASSERT_EQ(f.records.size(), 2u);
  ASSERT_EQ(f.findings.size(), 1u);
  EXPECT_EQ(f.findings[0].code, FindingCode::kDuplicateChip);
  EXPECT_EQ(f.findings[0].line, 3u);
  EXPECT_NE(f.findings[0].message.find("line 1 and again on line 3 with the same key"),
            std::string::npos)
      << f.findings[0].message;
  EXPECT_EQ(f.findings[0].message.find(key_hex('7')), std::string::npos) << "never the key";
}

TEST(KeyFileParser, EmptyAndBinaryInputNeverCrash) {
  EXPECT_TRUE(parse("").records.empty());
  EXPECT_TRUE(parse("\xEF\xBB\xBF").records.empty());
  std::string binary;
  for (int i = 0; i < 4096; ++i)
    binary.push_back(static_cast<char>((i * 7919) & 0xFF));
  const auto f = parse(binary);
  EXPECT_TRUE(f.records.empty());
}
