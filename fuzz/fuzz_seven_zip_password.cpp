// 7z archives read with a transport key, as the keys archive is. The seeds (fuzz/make_seeds.sh)
// are encrypted with kFuzzTransportKey, so mutations of the encrypted data reach the AES,
// LZMA and CRC paths behind a correct key, and mutations of the AES properties reach the key
// derivation and its work limits. The start-header and next-header CRCs are recomputed first
// (fuzz_crc_fixup.hpp); the CRCs of the decrypted data, which detect a wrong key, never are.
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "fuzz_crc_fixup.hpp"
#include "fuzz_limits.hpp"

namespace {
constexpr std::string_view kFuzzTransportKey = "Fuzz-Transport-Key-2026";
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace reelcheck;
  const SevenZipReader reader(reelcheck::fuzz::fuzz_limits());
  const ByteView password(reinterpret_cast<const std::uint8_t*>(kFuzzTransportKey.data()),
                          kFuzzTransportKey.size());
  std::vector<std::uint8_t> archive(data, data + size);
  reelcheck::fuzz::fix_seven_zip_crcs(archive);
  auto entries = reader.read(ByteView(archive), "fuzz_keys.7z", password);
  if (!entries && entries.error().code == ErrorCode::kPasswordRequired) std::abort();
  return 0;
}
