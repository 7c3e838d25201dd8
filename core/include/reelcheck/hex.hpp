// Hex spelling of bytes, the one encoder every layer and front end uses (reports, terminal,
// the page's secret reveal).
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "reelcheck/secure_bytes.hpp"

namespace reelcheck {

// Two digits per byte, no separators; lowercase unless `upper` (chip IDs and secrets in the
// bundle's own spelling are uppercase).
std::string to_hex(std::span<const std::uint8_t> bytes, bool upper = false);
// The same digits appended to `out`, with no temporary: for secrets (out wipes what it frees).
void append_hex(SecureString& out, std::span<const std::uint8_t> bytes, bool upper = false);

} // namespace reelcheck
