// Base64 (RFC 4648, standard alphabet, padded) to bytes, for public data only: PEM certificate
// bodies and the certificates a provisioning station reads from a chip.
//
// mbedTLS 2.28 decodes base64 in constant time (it guards private keys), which costs more than
// 10 µs per device certificate: a tenth of a reel's verification. Certificates are public, so
// a plain table lookup does.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace reelcheck::detail {

// The bytes of `text`, or nullopt unless it is canonical base64: only the 64 symbols, the
// padding ('=') only at the end and exactly as needed, the unused bits of the last symbol zero.
// With `skip_line_breaks`, CR and LF anywhere are ignored (PEM's line breaks). Empty text
// decodes to no bytes.
std::optional<std::vector<std::uint8_t>> decode_base64(std::string_view text,
                                                       bool skip_line_breaks);

} // namespace reelcheck::detail
