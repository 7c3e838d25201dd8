// zip archives (the outer bundle may be a stored or deflate .zip). The CRC-32 of every entry is
// recomputed first (fuzz_crc_fixup.hpp), so mutated data and local headers get past it.
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "fuzz_crc_fixup.hpp"
#include "fuzz_limits.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace reelcheck;
  const ZipReader reader(fuzz::fuzz_limits());
  std::vector<std::uint8_t> archive(data, data + size);
  fuzz::fix_zip_crcs(archive, fuzz::fuzz_limits().max_entry_size);
  auto entries = reader.read(ByteView(archive), "fuzz.zip");
  if (entries) {
    for (const ArchiveEntry& e : *entries)
      if (e.data.size() > fuzz::fuzz_limits().max_entry_size) std::abort();
  }
  return 0;
}
