#pragma once

#include <cstdint>
#include <string>

namespace reelcheck::detail {

struct CivilTime {
  int year, month, day, hour, minute, second;
};

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d);
CivilTime civil_from_seconds(std::int64_t t);
std::int64_t seconds_from_civil(const CivilTime& c);
std::string format_civil(const CivilTime& c);

} // namespace reelcheck::detail
