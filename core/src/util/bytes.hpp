// Little-endian loads, as the archive formats store their numbers (7z and zip alike). The
// caller has checked that the bytes are there; these only assemble them, portably (no
// unaligned or type-punned reads, so the same on every host and in wasm).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace reelcheck::detail {

constexpr std::uint16_t load_le16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}

constexpr std::uint32_t load_le32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} | (std::uint32_t{p[1]} << 8) | (std::uint32_t{p[2]} << 16) |
         (std::uint32_t{p[3]} << 24);
}

constexpr std::uint64_t load_le64(const std::uint8_t* p) {
  return load_le32(p) | (std::uint64_t{load_le32(p + 4)} << 32);
}

// At a 64-bit offset into `bytes` (archive fields are 64-bit). The caller bounds-checked it, so
// the narrowing to size_t is exact on 32-bit targets (wasm32) too.
inline std::uint16_t load_le16(std::span<const std::uint8_t> bytes, std::uint64_t at) {
  return load_le16(bytes.data() + static_cast<std::size_t>(at));
}

inline std::uint32_t load_le32(std::span<const std::uint8_t> bytes, std::uint64_t at) {
  return load_le32(bytes.data() + static_cast<std::size_t>(at));
}

inline std::uint64_t load_le64(std::span<const std::uint8_t> bytes, std::uint64_t at) {
  return load_le64(bytes.data() + static_cast<std::size_t>(at));
}

} // namespace reelcheck::detail
