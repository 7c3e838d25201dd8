#include "pki/pem_decoder.hpp"

#include <string_view>

#include "util/base64.hpp"
#include "util/text.hpp"

namespace reelcheck::detail {
namespace {

constexpr std::string_view kBegin = "-----BEGIN CERTIFICATE-----";
constexpr std::string_view kEnd = "-----END CERTIFICATE-----";

} // namespace

std::optional<std::vector<std::uint8_t>> decode_single_pem_certificate(ByteView data) {
  std::string_view text =
      trim_ascii_space({reinterpret_cast<const char*>(data.data()), data.size()});
  if (!text.starts_with(kBegin) || !text.ends_with(kEnd)) return std::nullopt;
  text = text.substr(kBegin.size(), text.size() - kBegin.size() - kEnd.size());
  if (text.find('-') != std::string_view::npos) return std::nullopt; // a second block, headers
  auto der = decode_base64(text, true);
  if (!der || der->empty()) return std::nullopt;
  return der;
}

} // namespace reelcheck::detail
