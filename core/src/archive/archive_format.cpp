#include <algorithm>
#include <array>

#include "reelcheck/archive.hpp"

namespace reelcheck {

ArchiveFormat detect_archive_format(ByteView data) {
  static constexpr std::array<std::uint8_t, 6> k7zSignature{'7', 'z', 0xBC, 0xAF, 0x27, 0x1C};
  static constexpr std::array<std::uint8_t, 4> kZipLocal{'P', 'K', 3, 4};
  static constexpr std::array<std::uint8_t, 4> kZipEmpty{'P', 'K', 5, 6};
  auto starts_with = [&](const auto& sig) {
    return data.size() >= sig.size() && std::equal(sig.begin(), sig.end(), data.begin());
  };
  if (starts_with(k7zSignature)) return ArchiveFormat::kSevenZip;
  if (starts_with(kZipLocal) || starts_with(kZipEmpty)) return ArchiveFormat::kZip;
  return ArchiveFormat::kUnknown;
}

} // namespace reelcheck
