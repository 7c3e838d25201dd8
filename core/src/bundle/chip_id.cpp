#include "reelcheck/chip_id.hpp"

#include <algorithm>

#include "util/hex.hpp"

namespace reelcheck {

std::string ChipId::hex() const {
  return detail::to_hex(bytes, true);
}

std::string ChipId::batch_hex() const {
  return detail::to_hex(std::span(bytes).first(6), true);
}

std::optional<ChipId> parse_chip_id(std::string_view hex) {
  if (hex.size() != 2 * ChipId{}.bytes.size()) return std::nullopt;
  const auto decoded = detail::decode_hex(hex);
  if (!decoded) return std::nullopt;
  ChipId id;
  std::copy(decoded->begin(), decoded->end(), id.bytes.begin());
  return id;
}

std::optional<ChipId> parse_chip_lookup(std::string_view text) {
  std::string digits;
  digits.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '0' && i + 1 < text.size() && (text[i + 1] == 'x' || text[i + 1] == 'X') &&
        (digits.empty() || digits.size() % 2 == 0)) {
      i += 2; // "0x" prefix, also before each byte ("0x01 0x02 ...")
      continue;
    }
    if (c == ' ' || c == ':' || c == '-' || c == '\t' || c == ',') {
      ++i;
      continue;
    }
    if (detail::hex_digit_value(c) < 0) return std::nullopt;
    digits.push_back(c);
    ++i;
  }
  if (digits.size() == 2 * kCoprocessorUidSize) {
    return parse_chip_id(std::string_view(digits).substr(2 * kChipIdOffsetInUid, 20));
  }
  return parse_chip_id(digits);
}

} // namespace reelcheck
