// Inflating one deflate entry (raw deflate, as zip stores it).
#pragma once

#include "archive/zip_format.hpp"

namespace reelcheck::detail::zip {

// Exactly e.size bytes from `packed`; kCorrupt when the stream is damaged or yields more or
// fewer bytes than declared. e.size is already checked against the limits.
Result<SecureBytes> inflate_entry(const ZipInput& in, const CentralEntry& e, ByteView packed);

} // namespace reelcheck::detail::zip
