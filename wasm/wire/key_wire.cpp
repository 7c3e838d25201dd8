#include "key_wire.hpp"

#include <algorithm>
#include <string_view>

namespace reelcheck::wasm::wire {
namespace {

constexpr std::string_view kTag = "RCK1";
constexpr std::size_t kPartSize = 32;

} // namespace

SecureBytes encode_derived_key(const SevenZipKey& key) {
  if (key.key.size() != kPartSize || key.password_check.size() != kPartSize) return {};
  SecureBytes out(kDerivedKeyWireSize, 0);
  auto at = std::copy(kTag.begin(), kTag.end(), out.begin());
  *at++ = static_cast<std::uint8_t>(key.cycles_power);
  at = std::copy(key.key.begin(), key.key.end(), at);
  std::copy(key.password_check.begin(), key.password_check.end(), at);
  return out;
}

Result<SevenZipKey> decode_derived_key(std::span<const std::uint8_t> bytes) {
  if (bytes.size() != kDerivedKeyWireSize || !std::equal(kTag.begin(), kTag.end(), bytes.begin()) ||
      bytes[kTag.size()] > kSevenZipMaxCyclesPower)
    return make_error(ErrorCode::kBadInput, "a key derived by a worker is malformed");
  SevenZipKey key;
  key.cycles_power = bytes[kTag.size()];
  const auto part = bytes.subspan(kTag.size() + 1);
  key.key.assign(part.begin(), part.begin() + kPartSize);
  key.password_check.assign(part.begin() + kPartSize, part.end());
  return key;
}

} // namespace reelcheck::wasm::wire
