#include "pki/pem_decoder.hpp"

#include <array>
#include <string_view>

#include "util/text.hpp"

namespace reelcheck::detail {
namespace {

constexpr std::string_view kBegin = "-----BEGIN CERTIFICATE-----";
constexpr std::string_view kEnd = "-----END CERTIFICATE-----";
constexpr std::uint8_t kSkip = 0xfe; // line breaks inside the body
constexpr std::uint8_t kBad = 0xff;

constexpr std::array<std::uint8_t, 256> make_table() {
  std::array<std::uint8_t, 256> t{};
  for (auto& v : t) v = kBad;
  constexpr std::string_view alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (std::size_t i = 0; i < alphabet.size(); ++i)
    t[static_cast<unsigned char>(alphabet[i])] = static_cast<std::uint8_t>(i);
  t['\r'] = t['\n'] = kSkip;
  return t;
}
constexpr auto kTable = make_table();

} // namespace

std::optional<std::vector<std::uint8_t>> decode_single_pem_certificate(ByteView data) {
  std::string_view text =
      trim_ascii_space({reinterpret_cast<const char*>(data.data()), data.size()});
  if (!text.starts_with(kBegin) || !text.ends_with(kEnd)) return std::nullopt;
  text = text.substr(kBegin.size(), text.size() - kBegin.size() - kEnd.size());
  if (text.find('-') != std::string_view::npos) return std::nullopt; // a second block, headers

  std::vector<std::uint8_t> der;
  der.reserve(text.size() * 3 / 4);
  std::uint32_t bits = 0;
  int have = 0, padding = 0;
  for (const char c : text) {
    if (c == '=') {
      ++padding;
      continue;
    }
    const std::uint8_t v = kTable[static_cast<unsigned char>(c)];
    if (v == kSkip) continue;
    if (v == kBad || padding != 0) return std::nullopt; // data after '=' is not base64
    bits = bits << 6 | v;
    if (++have == 4) {
      der.push_back(std::uint8_t(bits >> 16));
      der.push_back(std::uint8_t(bits >> 8));
      der.push_back(std::uint8_t(bits));
      bits = 0;
      have = 0;
    }
  }
  // The tail: 2 symbols + "==" or 3 symbols + "=", with unused bits zero (canonical).
  if (have == 2 && padding == 2 && (bits & 0xf) == 0) {
    der.push_back(std::uint8_t(bits >> 4));
  } else if (have == 3 && padding == 1 && (bits & 0x3) == 0) {
    der.push_back(std::uint8_t(bits >> 10));
    der.push_back(std::uint8_t(bits >> 2));
  } else if (have != 0 || padding != 0) {
    return std::nullopt;
  }
  if (der.empty()) return std::nullopt;
  return der;
}

} // namespace reelcheck::detail
