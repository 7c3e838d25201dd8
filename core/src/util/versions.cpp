// Read from the headers the core is compiled against, so the answer cannot drift from the code.
#include <mbedtls/version.h>
#include <zlib.h>

#include "7zVersion.h"
#include "reelcheck/version.hpp"

#ifndef REELCHECK_VERSION
#error "REELCHECK_VERSION is set by core/CMakeLists.txt from the project version"
#endif

namespace reelcheck {

LibraryVersions library_versions() {
  return LibraryVersions{REELCHECK_VERSION, MBEDTLS_VERSION_STRING, MY_VERSION, ZLIB_VERSION};
}

} // namespace reelcheck
