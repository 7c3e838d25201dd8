#include "util/hex.hpp"

namespace reelcheck {

namespace {
template <class String>
void append_digits(String& out, std::span<const std::uint8_t> bytes, bool upper) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  out.reserve(out.size() + bytes.size() * 2); // one growth at most: no stale copy left behind
  for (std::uint8_t b : bytes) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 0x0F]);
  }
}
} // namespace

std::string to_hex(std::span<const std::uint8_t> bytes, bool upper) {
  std::string out;
  append_digits(out, bytes, upper);
  return out;
}

void append_hex(SecureString& out, std::span<const std::uint8_t> bytes, bool upper) {
  append_digits(out, bytes, upper);
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
