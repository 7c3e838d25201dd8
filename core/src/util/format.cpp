#include "util/format.hpp"

#include <algorithm>

namespace reelcheck::detail {

std::string format_size(std::uint64_t bytes) {
  constexpr std::uint64_t kMiB = std::uint64_t{1} << 20;
  constexpr std::uint64_t kKiB = std::uint64_t{1} << 10;
  if (bytes != 0 && bytes % kMiB == 0) return std::to_string(bytes / kMiB) + " MiB";
  if (bytes != 0 && bytes % kKiB == 0) return std::to_string(bytes / kKiB) + " KiB";
  return std::to_string(bytes) + " bytes";
}

std::string printable(std::string_view name, std::size_t max_chars) {
  std::string out;
  out.reserve(std::min(name.size(), max_chars) + 3);
  for (const char c : name.substr(0, max_chars)) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back(u >= 0x20 && u != 0x7F ? c : '?');
  }
  if (name.size() > max_chars) out += "...";
  return out;
}

} // namespace reelcheck::detail
