// The certificate a provisioning station read from a chip (lookup's station binding): hex or
// base64 text of the bare DER or of the TLS identity (a 9-byte header in front). The input is
// tried twice: as the station's text, and as raw bytes that the target spells in hex and base64
// itself. What the parser promises (reelcheck/lookup.hpp):
//   - what it returns is one DER SEQUENCE whose outer length spans exactly the bytes returned,
//     in DER's shortest form;
//   - the same bytes give the same answer in every spelling: hex, upper-case hex with "0X",
//     base64, with white space around; the TLS identity header in front changes nothing (but
//     counts towards the 4,096 bytes a data object may be).
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "reelcheck/hex.hpp"
#include "reelcheck/lookup.hpp"

namespace {

using Bytes = std::vector<std::uint8_t>;
constexpr std::size_t kMaxObjectBytes = 4096; // = chip_lookup.cpp's kMaxStationCertificateBytes
using reelcheck::parse_station_certificate;

// Written here rather than taken from the core, so the check does not share the code it checks.
std::string base64(std::span<const std::uint8_t> bytes) {
  static constexpr char kSymbols[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v = bytes[i] << 16 | bytes[i + 1] << 8 | bytes[i + 2];
    for (int shift : {18, 12, 6, 0})
      out += kSymbols[v >> shift & 0x3f];
  }
  if (bytes.size() - i == 1) {
    const std::uint32_t v = bytes[i] << 16;
    out += {kSymbols[v >> 18 & 0x3f], kSymbols[v >> 12 & 0x3f], '=', '='};
  } else if (bytes.size() - i == 2) {
    const std::uint32_t v = bytes[i] << 16 | bytes[i + 1] << 8;
    out += {kSymbols[v >> 18 & 0x3f], kSymbols[v >> 12 & 0x3f], kSymbols[v >> 6 & 0x3f], '='};
  }
  return out;
}

// One DER SEQUENCE spanning exactly `der`, its length in the shortest form.
bool single_der_sequence(std::span<const std::uint8_t> der) {
  if (der.size() < 2 || der[0] != 0x30 || der[1] == 0x80 || der[1] == 0xff) return false;
  if (der[1] < 0x80) return der.size() == 2u + der[1];
  const std::size_t n = der[1] & 0x7f;
  if (der.size() < 2 + n || der[2] == 0) return false;
  std::size_t length = 0;
  for (std::size_t k = 0; k < n; ++k)
    length = length << 8 | der[2 + k];
  if (length < 0x80) return false;
  return der.size() == 2 + n + length;
}

Bytes with_tls_identity_header(std::span<const std::uint8_t> der) {
  const std::size_t n = der.size();
  Bytes out{0xC0,
            static_cast<std::uint8_t>((n + 6) >> 8),
            static_cast<std::uint8_t>(n + 6),
            static_cast<std::uint8_t>((n + 3) >> 16),
            static_cast<std::uint8_t>((n + 3) >> 8),
            static_cast<std::uint8_t>(n + 3),
            static_cast<std::uint8_t>(n >> 16),
            static_cast<std::uint8_t>(n >> 8),
            static_cast<std::uint8_t>(n)};
  out.insert(out.end(), der.begin(), der.end());
  return out;
}

using Answer = std::optional<Bytes>; // the DER, or nullopt for an error

Answer parse(std::string_view text) {
  auto result = parse_station_certificate(text);
  if (!result) {
    if (result.error().message.empty()) std::abort(); // every refusal says why
    return std::nullopt;
  }
  if (!single_der_sequence(*result)) std::abort();
  return std::move(*result);
}

std::string upper_hex(std::span<const std::uint8_t> bytes) {
  return "0X" + reelcheck::to_hex(bytes, true);
}

// Every spelling of `bytes` gets the same answer.
Answer answer_in_every_spelling(std::span<const std::uint8_t> bytes) {
  const Answer hex = parse(reelcheck::to_hex(bytes));
  if (parse(upper_hex(bytes)) != hex) std::abort();
  if (parse(" \t" + reelcheck::to_hex(bytes) + "\r\n") != hex) std::abort();
  // Base64 text of bytes that start with 0x30 or 0xC0 starts with 'M' or 'w', never a hex
  // digit; anything else is no certificate in either spelling (its base64 may read as hex).
  const bool certificate_like = !bytes.empty() && (bytes[0] == 0x30 || bytes[0] == 0xC0);
  if (certificate_like && parse(base64(bytes)) != hex) std::abort();
  if (!certificate_like && hex) std::abort();
  return hex;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // As the station's text.
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (const Answer der = parse(text)) {
    // What was accepted once is accepted in every spelling, with or without the header.
    if (answer_in_every_spelling(*der) != der) std::abort();
    // The limit is on the whole data object, the header's 9 bytes included.
    const Answer framed = der->size() + 9 <= kMaxObjectBytes ? der : std::nullopt;
    if (answer_in_every_spelling(with_tls_identity_header(*der)) != framed) std::abort();
  }

  // As raw bytes, spelled here.
  const std::span<const std::uint8_t> bytes(data, size);
  if (const Answer der = answer_in_every_spelling(bytes)) {
    // The DER is the bytes, or what follows the 9-byte header.
    const auto expected = bytes[0] == 0xC0 ? bytes.subspan(9) : bytes;
    if (!std::equal(der->begin(), der->end(), expected.begin(), expected.end())) std::abort();
  }
  return 0;
}
