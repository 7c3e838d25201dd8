// Chip identity. ChipID = batch number (6 bytes) || wafer X (2 bytes, big-endian) || wafer Y
// (2 bytes). The coprocessor UID (data object 0xE0C2, 27 bytes) carries the same ten bytes at
// offset 11, so a UID read from a chip finds its record.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace reelcheck {

struct ChipId {
  std::array<std::uint8_t, 10> bytes{};

  std::string hex() const; // 20 uppercase hex characters, the bundle's spelling
  std::string batch_hex() const;
  std::uint16_t wafer_x() const { return static_cast<std::uint16_t>(bytes[6] << 8 | bytes[7]); }
  std::uint16_t wafer_y() const { return static_cast<std::uint16_t>(bytes[8] << 8 | bytes[9]); }
  // Written out: Emscripten 3.1.6's libc++ has no operator<=> for std::array.
  friend bool operator==(const ChipId& a, const ChipId& b) { return a.bytes == b.bytes; }
  friend bool operator<(const ChipId& a, const ChipId& b) { return a.bytes < b.bytes; }
};

inline constexpr std::size_t kCoprocessorUidSize = 27;
inline constexpr std::size_t kChipIdOffsetInUid = 11;

// Exactly 20 hex digits (any case).
std::optional<ChipId> parse_chip_id(std::string_view hex);

// What a person types to find a chip: a chip ID or a 27-byte coprocessor UID, in hex, any
// case, with optional "0x" prefix and spaces, colons or dashes between bytes.
std::optional<ChipId> parse_chip_lookup(std::string_view text);

} // namespace reelcheck
