// PEM "CERTIFICATE" blocks to DER, for public data only.
//
// mbedTLS 2.28 decodes base64 in constant time (it guards private keys), which costs more than
// 10 µs per device certificate: a tenth of a reel's verification. Certificates are public, so
// a plain table lookup does (util/base64.hpp); anything unusual (several blocks, headers, stray
// characters) is left to mbedTLS's own parser by returning nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "reelcheck/secure_bytes.hpp"

namespace reelcheck::detail {

// The DER of the single CERTIFICATE block in `text`, or nullopt when `text` is not exactly one
// well-formed block (surrounding whitespace allowed).
std::optional<std::vector<std::uint8_t>> decode_single_pem_certificate(ByteView text);

} // namespace reelcheck::detail
