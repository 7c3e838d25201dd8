// 7z archives without a transport key: the certificate archives and outer bundles. Exercises
// the signature header, (encoded) header parsing, folder planning and every decoder; an
// encrypted archive must end in "a transport key is needed", never in a decode attempt.
// The start-header and next-header CRCs are recomputed first (fuzz_crc_fixup.hpp).
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "fuzz_crc_fixup.hpp"
#include "fuzz_limits.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace reelcheck;
  const SevenZipReader reader(fuzz::fuzz_limits());
  std::vector<std::uint8_t> archive(data, data + size);
  fuzz::fix_seven_zip_crcs(archive);
  auto entries = reader.read(ByteView(archive), "fuzz.7z");
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
