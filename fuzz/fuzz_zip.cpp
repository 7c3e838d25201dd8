// zip archives (the outer bundle may be a stored or deflate .zip).
#include <cstdint>
#include <cstdlib>

#include "fuzz_limits.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace reelcheck;
  const ZipReader reader(fuzz::fuzz_limits());
  auto entries = reader.read(fuzz::as_view(data, size), "fuzz.zip");
  if (entries) {
    for (const ArchiveEntry& e : *entries)
      if (e.data.size() > fuzz::fuzz_limits().max_entry_size) std::abort();
  }
  return 0;
}
