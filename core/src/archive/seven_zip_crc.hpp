// CRC-32 as 7z stores it (the zip/IEEE polynomial), computed by the LZMA SDK's table code.
#pragma once

#include <cstdint>

#include "reelcheck/secure_bytes.hpp"

namespace reelcheck::detail {

std::uint32_t seven_zip_crc(ByteView data) noexcept;

} // namespace reelcheck::detail
