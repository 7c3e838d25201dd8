// The zip format as the reader sees it (APPNOTE.TXT): record signatures and sizes, the flags
// and methods it knows, one central-directory entry, and the input with the checks and the
// error wording every part shares. Numbers are little-endian: util/bytes.hpp reads them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "reelcheck/archive.hpp"
#include "util/bytes.hpp"
#include "util/format.hpp"

namespace reelcheck::detail::zip {

inline constexpr std::uint32_t kLocalSignature = 0x04034b50;
inline constexpr std::uint32_t kCentralSignature = 0x02014b50;
inline constexpr std::uint32_t kEndSignature = 0x06054b50;
inline constexpr std::uint32_t kZip64LocatorSignature = 0x07064b50;
inline constexpr std::size_t kEndSize = 22;
inline constexpr std::size_t kZip64LocatorSize = 20;
inline constexpr std::size_t kCentralSize = 46;
inline constexpr std::size_t kLocalSize = 30;
inline constexpr std::size_t kMaxCommentSize = 0xFFFF;

inline constexpr std::uint16_t kFlagEncrypted = 1u << 0;
inline constexpr std::uint16_t kFlagDataDescriptor = 1u << 3;
inline constexpr std::uint16_t kFlagStrongEncryption = 1u << 6;
inline constexpr std::uint16_t kMethodStored = 0;
inline constexpr std::uint16_t kMethodDeflate = 8;

// Deflate cannot expand better than ~1032:1 (a 258-byte match per ~2 bits). A declared size
// beyond that is a lie, and refusing it up front keeps allocations proportional to the input.
inline constexpr std::uint64_t kMaxDeflateRatio = 1032;
inline constexpr std::uint64_t kDeflateSlack = 1024;

// Entry names in messages are cut to this many characters (printable()).
inline constexpr std::size_t kMaxNameChars = 200;

struct CentralEntry {
  std::string name; // normalised
  std::uint16_t flags = 0;
  std::uint16_t method = 0;
  std::uint32_t crc = 0;
  std::uint64_t packed_size = 0;
  std::uint64_t size = 0;
  std::uint64_t local_offset = 0;
  bool directory = false;
};

// The archive's bytes and its name (for messages).
struct ZipInput {
  ByteView data;
  std::string_view archive;

  Error fail(ErrorCode code, const std::string& what) const {
    return make_error(code, std::string(archive) + ": " + what);
  }

  // True if [at, at + length) lies inside the input; written to be overflow-free.
  bool fits(std::uint64_t at, std::uint64_t length) const {
    return at <= data.size() && length <= data.size() - at;
  }
};

} // namespace reelcheck::detail::zip
