// RFC 4180 quoting of one CSV field, shared by the per-reel and the fleet CSV writers.
#pragma once

#include <string>
#include <string_view>

namespace reelcheck::detail {

inline std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

} // namespace reelcheck::detail
