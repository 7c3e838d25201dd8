// Certificate slices as they cross from the coordinator to a verifier worker (wasm/wire). The
// reader must refuse what it cannot read and accept only canonical slices.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "certificate_wire.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace reelcheck::wasm::wire;
  auto certificates = decode_certificates(std::span<const std::uint8_t>(data, size));
  if (!certificates) {
    if (certificates.error().message.empty()) std::abort();
    return 0;
  }
  const auto again = encode_certificates(*certificates);
  if (again.size() != size || !std::equal(again.begin(), again.end(), data)) std::abort();
  return 0;
}
