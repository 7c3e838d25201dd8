// The key files of the keys archive (PBS_keys.txt / auto_keys.txt): any bytes, any encoding.
#include <cstdint>
#include <cstdlib>

#include "reelcheck/key_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace reelcheck;
  const KeyFile file = KeyFileParser().parse(ByteView(data, size), "PBS_keys.txt");
  // What the parser accepts is exactly what the header promises.
  for (const KeyRecord& r : file.records) {
    if (r.key.size() != kSecretSize || r.chip_id.size() != 20) std::abort();
    if (r.line == 0) std::abort();
  }
  for (const Finding& f : file.findings)
    if (f.message.empty()) std::abort();
  return 0;
}
