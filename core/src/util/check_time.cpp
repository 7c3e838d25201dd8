// Civil-time arithmetic for certificate validity checks. The core never reads a clock; these
// conversions let callers state the check time explicitly ("2026-06-01T00:00:00Z").
#include <charconv>
#include <cstdio>

#include "reelcheck/certificate.hpp"
#include "util/civil_time.hpp"

namespace reelcheck {
namespace detail {

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  // Proleptic Gregorian calendar, era-based (400-year cycles) so no loops or tables.
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

CivilTime civil_from_seconds(std::int64_t t) {
  std::int64_t days = t / 86400;
  std::int64_t secs = t % 86400;
  if (secs < 0) {
    secs += 86400;
    --days;
  }
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
  return CivilTime{static_cast<int>(y),
                   static_cast<int>(m),
                   static_cast<int>(d),
                   static_cast<int>(secs / 3600),
                   static_cast<int>(secs / 60 % 60),
                   static_cast<int>(secs % 60)};
}

std::int64_t seconds_from_civil(const CivilTime& c) {
  return days_from_civil(c.year, static_cast<unsigned>(c.month), static_cast<unsigned>(c.day)) *
             86400 +
         c.hour * 3600 + c.minute * 60 + c.second;
}

// Every verdict formats two validity times, so the usual case writes its digits directly:
// snprintf's format parsing cost as much as the rest of a verdict's fields in wasm. Fields out of
// the fixed widths (a year before 0 or after 9999) take the general path, with the same output.
std::string format_civil(const CivilTime& c) {
  const auto fits = [](int v, int max) { return v >= 0 && v <= max; };
  if (!fits(c.year, 9999) || !fits(c.month, 99) || !fits(c.day, 99) || !fits(c.hour, 99) ||
      !fits(c.minute, 99) || !fits(c.second, 99)) {
    char buf[80];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year, c.month, c.day, c.hour,
                  c.minute, c.second);
    return buf;
  }
  std::string out = "0000-00-00T00:00:00Z";
  const auto put = [&out](std::size_t end, int v) { // the digits of v, right-aligned before end
    for (std::size_t i = end; v > 0; v /= 10)
      out[--i] = char('0' + v % 10);
  };
  put(4, c.year);
  put(7, c.month);
  put(10, c.day);
  put(13, c.hour);
  put(16, c.minute);
  put(19, c.second);
  return out;
}

} // namespace detail

namespace {

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

} // namespace

std::optional<CheckTime> parse_check_time(std::string_view s) {
  // Accepted: YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS][Z], the 'T' may be a space; or @<unix seconds>.
  if (!s.empty() && s.front() == '@') {
    CheckTime t = 0;
    const auto [ptr, ec] = std::from_chars(s.data() + 1, s.data() + s.size(), t);
    if (ec != std::errc{} || ptr != s.data() + s.size()) return std::nullopt;
    return t;
  }
  auto number = [&](std::size_t pos, std::size_t len, int& out) {
    if (pos + len > s.size()) return false;
    const auto [ptr, ec] = std::from_chars(s.data() + pos, s.data() + pos + len, out);
    return ec == std::errc{} && ptr == s.data() + pos + len;
  };
  detail::CivilTime c{};
  if (!number(0, 4, c.year) || s.size() < 10 || s[4] != '-' || !number(5, 2, c.month) ||
      s[7] != '-' || !number(8, 2, c.day))
    return std::nullopt;
  std::size_t pos = 10;
  if (pos < s.size() && (s[pos] == 'T' || s[pos] == ' ')) {
    if (!number(pos + 1, 2, c.hour) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !number(pos + 4, 2, c.minute))
      return std::nullopt;
    pos += 6;
    if (pos < s.size() && s[pos] == ':') {
      if (!number(pos + 1, 2, c.second)) return std::nullopt;
      pos += 3;
    }
  }
  if (pos < s.size() && s[pos] == 'Z') ++pos;
  if (pos != s.size()) return std::nullopt;
  // A day that does not exist (2026-02-31, 2025-02-29) is an error, not a silent roll-over
  // into the next month; so is a leap second, which certificates cannot carry either.
  if (c.month < 1 || c.month > 12 || c.day < 1 || c.day > days_in_month(c.year, c.month) ||
      c.hour > 23 || c.minute > 59 || c.second > 59)
    return std::nullopt;
  return detail::seconds_from_civil(c);
}

std::string format_check_time(CheckTime t) {
  return detail::format_civil(detail::civil_from_seconds(t));
}

} // namespace reelcheck
