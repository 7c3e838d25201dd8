#include "crypto/rsa_verifier.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <map>
#include <mutex>

#include "crypto/fixed_width.hpp"
#if !defined(REELCHECK_WIDE_LIMBS)
#include "crypto/rsa_modulus_radix28.hpp"
#endif

namespace reelcheck::detail {
namespace {

constexpr std::size_t kBits = 2048;
constexpr std::size_t kBytes = kBits / 8;
constexpr std::size_t kLimbs = kLimbsFor<kBits>;
using Value = Limbs<kLimbs>;
// Natively 64-bit limbs; with 32-bit limbs (wasm) 28-bit digits, whose rows need no carries.
#if defined(REELCHECK_WIDE_LIMBS)
using Modulus = MontgomeryModulus<kLimbs>;
using Residue = Value;
#else
using Modulus = Radix28RsaModulus;
using Residue = Radix28RsaModulus::Residue;
#endif

// DER DigestInfo prefixes (RFC 8017, 9.2 note 1): SEQUENCE { AlgorithmIdentifier { OID, NULL },
// OCTET STRING of the hash length }.
constexpr std::uint8_t kSha256Info[] = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                        0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
constexpr std::uint8_t kSha384Info[] = {0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                        0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30};
constexpr std::uint8_t kSha512Info[] = {0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                        0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40};

std::span<const std::uint8_t> digest_info(RsaVerifier::Hash h) {
  switch (h) {
  case RsaVerifier::Hash::kSha256: return kSha256Info;
  case RsaVerifier::Hash::kSha384: return kSha384Info;
  case RsaVerifier::Hash::kSha512: return kSha512Info;
  }
  return {};
}

std::size_t hash_size(RsaVerifier::Hash h) {
  return digest_info(h).back();
}

// EM = 00 01 FF..FF 00 || DigestInfo || hash (RFC 8017 9.2), for a hash of the right size.
std::array<std::uint8_t, kBytes> encoded_message(RsaVerifier::Hash hash_type,
                                                 std::span<const std::uint8_t> hash) {
  const auto info = digest_info(hash_type);
  const std::size_t t_len = info.size() + hash.size();
  std::array<std::uint8_t, kBytes> em{};
  em[1] = 0x01;
  std::fill(em.begin() + 2, em.end() - static_cast<std::ptrdiff_t>(t_len) - 1, 0xFF);
  std::copy(info.begin(), info.end(), em.end() - static_cast<std::ptrdiff_t>(t_len));
  std::copy(hash.begin(), hash.end(), em.end() - static_cast<std::ptrdiff_t>(hash.size()));
  return em;
}

std::atomic<bool> pretend_failed{false};

} // namespace

struct RsaVerifier::Key {
  Key(const Value& n, std::uint32_t e) : modulus(n), exponent(e) {}
  Modulus modulus;
  std::uint32_t exponent;
};

RsaVerifier::RsaVerifier(std::unique_ptr<const Key> key) : key_(std::move(key)) {}
RsaVerifier::~RsaVerifier() = default;

bool RsaVerifier::verify(Hash hash_type, std::span<const std::uint8_t> hash,
                         std::span<const std::uint8_t> signature) const {
  if (hash.size() != hash_size(hash_type) || signature.size() != kBytes) return false;
  const Modulus& m = key_->modulus;
  Value s{};
  if (!limbs_from_bytes(signature, s) || compare(s, m.modulus()) >= 0) return false;

  // s^e by left-to-right binary exponentiation in the Montgomery domain.
  Residue base{}, x{};
  m.to_montgomery(base, s);
  x = base;
  const std::uint32_t e = key_->exponent;
  for (int bit = 30 - __builtin_clz(e); bit >= 0; --bit) {
    m.sqr(x, x);
    if ((e >> bit) & 1) m.mul(x, x, base);
  }
  Value plain{};
  m.from_montgomery(plain, x);
  std::array<std::uint8_t, kBytes> em{};
  limbs_to_bytes(plain, em);

  return em == encoded_message(hash_type, hash); // compared whole
}

namespace {

constexpr std::string_view kSelfTestModulus =
    "d6d7c94ddfef16387cc8f35cc681e53d7dad0c626bb7b44230f0a393d8b42a1fe46d7d97903ddd6714a88826"
    "49d6bfdc2a1192c33db099b765d7cd65f814aa08c020c5b060a9ae3e62cb1eef65d63ea8da8f29e50f0fbc25"
    "4493bd985ffbd0086f8aa7440d84daf4b67e680ea6a66bb7cd5ed055223e8cfd8afdf5afcfe7263763a5b1c0"
    "9f7c7d906f0ace1c90f0ec7468767900e1566d8ae4567967f92d18b4d33eab1a3d53f4b909c8ce682d5ec321"
    "24b394deea06636070f0223282d39f8c6c2eee872b54e245c3645a464b5591052c8766e6e09125468b85234f"
    "526a9b0357108c5b7c2a4e31a014e7df26198c435035b0f63d8fcfc18acfca2bccb209c1";
constexpr std::string_view kSelfTestSignature =
    "5e0752ac564e5cdbb4b4c5a57335308ee69ccd016e397419513533d65f6eb66b5bfc4401621bdcf189f375b1"
    "cc3e93d2b946d40a40e2cb4e17630403cf10e39fe54e39b6f5618c36176e255cd352289b6d8fb7bdba031be0"
    "d152caf2bc44e142719abda04a28dceb5513f64c21e66333b58378e14d88db2c21274ec20f383e3476d3f877"
    "9a4dcae280aba4b18afb955a087ceb68f49bd987f56e7b388f1ab16fc002477a284f64bcd37862fc9df875cd"
    "52f94c203ce6f4b20b4261c628399abacbf7f3da47a5cc4e68efa3f6241025a0b56ce23795bac6762e42634d"
    "22b31cad3b198242be52b8fca3adf3c16928d1baace11a4ce1483328cc3c6ee8feb62b9d";
// SHA-256 of "Reelcheck RSA-2048 self-test".
constexpr std::string_view kSelfTestHash =
    "82ee2a31ee94329e550bd9ac66e9a3ff5064ba1d64b5fed6f5759417a0b6e3f1";

} // namespace

bool RsaVerifier::self_test() {
  const auto n = bytes_from_hex(kSelfTestModulus);
  auto signature = bytes_from_hex(kSelfTestSignature);
  const auto hash = bytes_from_hex(kSelfTestHash);
  Value modulus{};
  if (!limbs_from_bytes(std::span<const std::uint8_t>(n), modulus)) return false;
  const RsaVerifier verifier(std::make_unique<const Key>(modulus, 65537));
  if (!verifier.verify(Hash::kSha256, hash, signature)) return false;
  signature[100] ^= 0x10;
  if (verifier.verify(Hash::kSha256, hash, signature)) return false;
  // The encoded message itself, as a "signature": only an engine that skipped s^e accepts it.
  const auto em = encoded_message(Hash::kSha256, hash);
  return !verifier.verify(Hash::kSha256, hash, em);
}

void RsaVerifier::pretend_self_test_failed_for_testing(bool failed) {
  pretend_failed = failed;
}

namespace {
std::mutex cache_mutex;
std::map<std::pair<std::array<std::uint8_t, kBytes>, std::uint32_t>,
         std::weak_ptr<const RsaVerifier>>
    cache;
} // namespace

std::shared_ptr<const RsaVerifier> RsaVerifier::create(std::span<const std::uint8_t> modulus,
                                                       std::span<const std::uint8_t> exponent) {
  static const bool engine_ok = self_test();
  if (!engine_ok || pretend_failed) return nullptr;
  // Leading zero bytes (a DER INTEGER's sign byte) do not count.
  while (!modulus.empty() && modulus.front() == 0)
    modulus = modulus.subspan(1);
  while (!exponent.empty() && exponent.front() == 0)
    exponent = exponent.subspan(1);
  if (modulus.size() != kBytes || (modulus.front() & 0x80) == 0 || (modulus.back() & 1) == 0)
    return nullptr;
  if (exponent.empty() || exponent.size() > 4 || (exponent.back() & 1) == 0) return nullptr;
  std::uint32_t e = 0;
  for (std::uint8_t b : exponent)
    e = (e << 8) | b;
  if (e < 3) return nullptr;
  Value n{};
  if (!limbs_from_bytes(modulus, n)) return nullptr;

  std::array<std::uint8_t, kBytes> id{};
  std::copy(modulus.begin(), modulus.end(), id.begin());
  const std::lock_guard lock(cache_mutex);
  std::erase_if(cache, [](const auto& entry) { return entry.second.expired(); });
  auto& slot = cache[{id, e}];
  if (auto existing = slot.lock()) return existing;
  auto created = std::make_shared<const RsaVerifier>(std::make_unique<const Key>(n, e));
  slot = created;
  return created;
}

} // namespace reelcheck::detail
