// Hex encoding and decoding shared by the bundle, PKI and report layers.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "reelcheck/hex.hpp"
#include "reelcheck/secure_bytes.hpp"

namespace reelcheck::detail {

using ::reelcheck::to_hex; // the public encoder (reelcheck/hex.hpp)

// Value of one hex digit, or -1.
constexpr int hex_digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes an even-length string of hex digits into a wiping buffer; nullopt on any bad digit.
std::optional<SecureBytes> decode_hex(std::string_view hex);

} // namespace reelcheck::detail
