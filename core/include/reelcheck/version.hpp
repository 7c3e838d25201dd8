// Versions of Reelcheck and of the libraries compiled into it, for `reelcheck --version` and
// the page's About line: a verifier's result is only as good as the code that produced it.
#pragma once

#include <string>

#include "reelcheck/project_version.hpp" // kVersion: generated from the project version

namespace reelcheck {

struct LibraryVersions {
  std::string reelcheck; // e.g. "0.1.0"
  std::string mbedtls;   // MBEDTLS_VERSION_STRING
  std::string lzma_sdk;  // MY_VERSION of the LZMA SDK (7-Zip's C/ folder)
  std::string zlib;      // ZLIB_VERSION
};

LibraryVersions library_versions();

} // namespace reelcheck
