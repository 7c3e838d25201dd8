#include "archive/seven_zip_utf.hpp"

#include <cstdint>

#include "util/bytes.hpp"

namespace reelcheck::detail {
namespace {

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

void append_utf16le(SecureBytes& out, std::uint32_t unit) {
  out.push_back(static_cast<std::uint8_t>(unit & 0xFF));
  out.push_back(static_cast<std::uint8_t>(unit >> 8));
}

} // namespace

std::optional<std::string> utf16le_to_utf8(ByteView utf16le) {
  if (utf16le.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(utf16le.size() / 2);
  for (std::size_t i = 0; i < utf16le.size(); i += 2) {
    const std::uint32_t unit = load_le16(utf16le.data() + i);
    if (unit >= 0xDC00 && unit <= 0xDFFF) return std::nullopt;
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      if (i + 3 >= utf16le.size()) return std::nullopt;
      const std::uint32_t low = load_le16(utf16le.data() + i + 2);
      if (low < 0xDC00 || low > 0xDFFF) return std::nullopt;
      append_utf8(out, 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00));
      i += 2;
    } else {
      append_utf8(out, unit);
    }
  }
  return out;
}

std::optional<SecureBytes> utf8_to_utf16le(ByteView utf8) {
  SecureBytes out;
  out.reserve(utf8.size() * 2); // never reallocates: at most two bytes out per byte in
  std::size_t i = 0;
  while (i < utf8.size()) {
    const std::uint8_t lead = utf8[i];
    std::uint32_t cp = 0;
    std::size_t extra = 0;
    std::uint32_t min = 0;
    if (lead < 0x80) {
      cp = lead;
    } else if ((lead & 0xE0) == 0xC0) {
      cp = lead & 0x1F, extra = 1, min = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      cp = lead & 0x0F, extra = 2, min = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      cp = lead & 0x07, extra = 3, min = 0x10000;
    } else {
      return std::nullopt;
    }
    if (extra > utf8.size() - i - 1) return std::nullopt;
    for (std::size_t k = 1; k <= extra; ++k) {
      const std::uint8_t cont = utf8[i + k];
      if ((cont & 0xC0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (cont & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      append_utf16le(out, 0xD800 + (cp >> 10));
      append_utf16le(out, 0xDC00 + (cp & 0x3FF));
    } else {
      append_utf16le(out, cp);
    }
    i += extra + 1;
  }
  return out;
}

} // namespace reelcheck::detail
