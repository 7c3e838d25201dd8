#include "util/hex.hpp"

namespace reelcheck {

std::string to_hex(std::span<const std::uint8_t> bytes, bool upper) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (std::uint8_t b : bytes) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 0x0F]);
  }
  return out;
}

} // namespace reelcheck

namespace reelcheck::detail {

std::optional<SecureBytes> decode_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  SecureBytes out(hex.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = hex_digit_value(hex[2 * i]);
    const int lo = hex_digit_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return out;
}

} // namespace reelcheck::detail
