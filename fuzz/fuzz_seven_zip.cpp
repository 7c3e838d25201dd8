// 7z archives without a transport key: the certificate archives and outer bundles. Exercises
// the signature header, (encoded) header parsing, folder planning and every decoder; an
// encrypted archive must end in "a transport key is needed", never in a decode attempt.
#include <cstdint>
#include <cstdlib>

#include "fuzz_limits.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace reelcheck;
  const SevenZipReader reader(fuzz::fuzz_limits());
  auto entries = reader.read(fuzz::as_view(data, size), "fuzz.7z");
  if (entries) {
    // Entries are handed out only when every CRC matched: each one is readable to the end.
    std::uint64_t total = 0;
    for (const ArchiveEntry& e : *entries)
      total += e.data.size();
    if (total > fuzz::fuzz_limits().max_total_size) std::abort();
  } else if (entries.error().code == ErrorCode::kWrongKey) {
    std::abort(); // without a key nothing may be decrypted, so no key can be "wrong"
  }
  return 0;
}
