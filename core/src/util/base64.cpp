#include "util/base64.hpp"

#include <array>

namespace reelcheck::detail {
namespace {

constexpr std::uint8_t kBase64LineBreak = 0xfe;
constexpr std::uint8_t kBase64Bad = 0xff;

constexpr std::array<std::uint8_t, 256> make_base64_table() {
  std::array<std::uint8_t, 256> t{};
  for (auto& v : t)
    v = kBase64Bad;
  constexpr std::string_view alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (std::size_t i = 0; i < alphabet.size(); ++i)
    t[static_cast<unsigned char>(alphabet[i])] = static_cast<std::uint8_t>(i);
  t['\r'] = t['\n'] = kBase64LineBreak;
  return t;
}
constexpr auto kBase64Table = make_base64_table();

} // namespace

std::optional<std::vector<std::uint8_t>> decode_base64(std::string_view text,
                                                       bool skip_line_breaks) {
  std::vector<std::uint8_t> out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t bits = 0;
  int have = 0, padding = 0;
  for (const char c : text) {
    if (c == '=') {
      ++padding;
      continue;
    }
    const std::uint8_t v = kBase64Table[static_cast<unsigned char>(c)];
    if (v == kBase64LineBreak && skip_line_breaks) continue;
    if (v >= 64 || padding != 0) return std::nullopt; // data after '=' is not base64
    bits = bits << 6 | v;
    if (++have == 4) {
      out.push_back(std::uint8_t(bits >> 16));
      out.push_back(std::uint8_t(bits >> 8));
      out.push_back(std::uint8_t(bits));
      bits = 0;
      have = 0;
    }
  }
  // The tail: 2 symbols + "==" or 3 symbols + "=", with unused bits zero (canonical).
  if (have == 2 && padding == 2 && (bits & 0xf) == 0) {
    out.push_back(std::uint8_t(bits >> 4));
  } else if (have == 3 && padding == 1 && (bits & 0x3) == 0) {
    out.push_back(std::uint8_t(bits >> 10));
    out.push_back(std::uint8_t(bits >> 2));
  } else if (have != 0 || padding != 0) {
    return std::nullopt;
  }
  return out;
}

} // namespace reelcheck::detail
