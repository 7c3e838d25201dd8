// Extracting one zip entry that the central directory described.
#pragma once

#include "archive/zip_format.hpp"

namespace reelcheck::detail::zip {

// The entry's bytes, after its local header agreed with `e` and its CRC-32 matched.
Result<SecureBytes> extract_entry(const ZipInput& in, const CentralEntry& e);

} // namespace reelcheck::detail::zip
