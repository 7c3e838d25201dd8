#include "archive/seven_zip_crc.hpp"

#include <7zCrc.h>

namespace reelcheck::detail {

std::uint32_t seven_zip_crc(ByteView data) noexcept {
  // The SDK keeps its table in a global; a function-local static makes the one-time set-up
  // safe when the CLI reads archives from several threads.
  static const bool table_ready = (CrcGenerateTable(), true);
  (void)table_ready;
  // An empty span may hold a null pointer (an empty folder or stream decodes to an empty
  // buffer), and the SDK would compute null + 0: undefined behaviour, which UBSan stops on
  // (fuzz_seven_zip found it). The CRC of nothing is 0.
  if (data.empty()) return 0;
  return CrcCalc(data.data(), data.size());
}

} // namespace reelcheck::detail
