// Limit messages in a person's units ("exceeds the 256 MiB limit").
#pragma once

#include <cstdint>
#include <string>

namespace reelcheck::detail::sz {

inline std::string format_size(std::uint64_t bytes) {
  constexpr std::uint64_t kMiB = std::uint64_t{1} << 20;
  constexpr std::uint64_t kKiB = std::uint64_t{1} << 10;
  if (bytes != 0 && bytes % kMiB == 0) return std::to_string(bytes / kMiB) + " MiB";
  if (bytes != 0 && bytes % kKiB == 0) return std::to_string(bytes / kKiB) + " KiB";
  return std::to_string(bytes) + " bytes";
}

} // namespace reelcheck::detail::sz
