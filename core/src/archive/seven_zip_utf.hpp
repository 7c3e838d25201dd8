// 7z stores names as UTF-16LE and hashes passwords as UTF-16LE; everything else in Reelcheck
// is UTF-8. Both conversions are strict: malformed input is reported, never patched over.
#pragma once

#include <optional>
#include <string>

#include "reelcheck/secure_bytes.hpp"

namespace reelcheck::detail {

// UTF-16LE code units (without terminator) to UTF-8; nullopt on an unpaired surrogate.
std::optional<std::string> utf16le_to_utf8(ByteView utf16le);

// UTF-8 to UTF-16LE; nullopt on overlong forms, surrogates, values above U+10FFFF or
// truncated sequences. The result is a SecureBytes because it is used for passwords.
std::optional<SecureBytes> utf8_to_utf16le(ByteView utf8);

} // namespace reelcheck::detail
