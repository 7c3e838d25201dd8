// Limits shared by the fuzz targets: the real ones scaled down so that one input can never
// exhaust libFuzzer's memory budget (-rss_limit_mb) or time budget (-timeout). Every check is
// the same code as with the defaults; only the numbers are smaller.
#pragma once

#include "reelcheck/archive.hpp"

namespace reelcheck::fuzz {

inline Limits fuzz_limits() {
  Limits limits;
  limits.max_entry_size = 16u << 20;
  limits.max_total_size = 64u << 20;
  limits.max_entries = 20'000;
  limits.max_dictionary = 16u << 20;
  return limits;
}

inline ByteView as_view(const std::uint8_t* data, std::size_t size) {
  return ByteView(data, size);
}

} // namespace reelcheck::fuzz
