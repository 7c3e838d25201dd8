#include <mbedtls/platform_util.h>

#include "reelcheck/secure_bytes.hpp"

namespace reelcheck {

void secure_wipe(void* data, std::size_t size) noexcept {
  if (data != nullptr && size != 0) mbedtls_platform_zeroize(data, size);
}

} // namespace reelcheck
