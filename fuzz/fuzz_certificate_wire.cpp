// Certificates as they cross between the workers (wasm/wire): unpacked archives from a verifier
// to the coordinator (and on to a verifier that adopts them), slices naming what to verify; and
// the keys archive's key a verifier derived ahead (key_wire.hpp). The
// readers must refuse what they cannot read and accept only canonical messages: whatever they
// accept survives a round trip unchanged.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "certificate_wire.hpp"
#include "key_wire.hpp"

namespace {

void expect_canonical(const std::vector<std::uint8_t>& again, std::span<const std::uint8_t> in) {
  if (again.size() != in.size() || !std::equal(again.begin(), again.end(), in.begin()))
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace reelcheck::wasm::wire;
  const std::span<const std::uint8_t> in(data, size);
  if (auto certificates = decode_certificates(in)) expect_canonical(encode_certificates(*certificates), in);
  else if (certificates.error().message.empty()) std::abort();
  if (auto slice = decode_slice_ref(in))
    expect_canonical(encode_slice_ref(*slice), in);
  else if (slice.error().message.empty())
    std::abort();
  if (auto outcome = decode_unpack_outcome(in)) {
    if (!outcome->result && outcome->result.error().message.empty()) std::abort();
    expect_canonical(encode_unpack_outcome(*outcome), in);
  } else if (outcome.error().message.empty()) {
    std::abort();
  }
  if (auto key = decode_derived_key(in)) {
    const auto again = encode_derived_key(*key);
    expect_canonical(std::vector<std::uint8_t>(again.begin(), again.end()), in);
  } else if (key.error().message.empty()) {
    std::abort();
  }
  return 0;
}
