// Verdicts as they cross from a verifier worker to the coordinator (wasm/wire), bare and as a
// slice with its place and terms. Whatever the reader accepts must survive a round trip through
// the writer unchanged: the coordinator must see exactly what the worker meant.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "verdict_wire.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace reelcheck::wasm::wire;
  const std::span<const std::uint8_t> bytes(data, size);
  auto verdicts = decode_verdicts(bytes);
  if (verdicts) {
    const auto again = encode_verdicts(*verdicts);
    // Accepted bytes are canonical: nothing the reader skips or normalises.
    if (again.size() != size || !std::equal(again.begin(), again.end(), data)) std::abort();
  } else if (verdicts.error().message.empty()) {
    std::abort();
  }
  auto slice = decode_verdict_slice(bytes);
  if (slice) {
    const auto again = encode_verdict_slice(*slice);
    if (again.size() != size || !std::equal(again.begin(), again.end(), data)) std::abort();
  } else if (slice.error().message.empty()) {
    std::abort();
  }
  return 0;
}
