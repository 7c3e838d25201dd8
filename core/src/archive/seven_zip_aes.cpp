#include "archive/seven_zip_aes.hpp"

#include <algorithm>
#include <cstring>

#include <mbedtls/aes.h>
// mbedTLS 2.28's constant_time.h, unlike its other headers, has no extern "C" of its own.
extern "C" {
#include <mbedtls/constant_time.h>
}
#include <mbedtls/platform_util.h>

#include "archive/seven_zip_utf.hpp"
#include "crypto/sha256.hpp"

namespace reelcheck::detail::sz {
namespace {

constexpr std::size_t kKeySize = 32;

struct Aes {
  mbedtls_aes_context ctx;
  Aes() { mbedtls_aes_init(&ctx); }
  ~Aes() { mbedtls_aes_free(&ctx); } // zeroizes the round keys
  Aes(const Aes&) = delete;
  Aes& operator=(const Aes&) = delete;
};

SecureBytes derive_key(ByteView salt, ByteView password, unsigned cycles_power) {
  SecureBytes key(kKeySize, 0);
  if (cycles_power == kAesCyclesNoHash) {
    const std::size_t n_salt = std::min(salt.size(), kKeySize);
    std::copy_n(salt.begin(), n_salt, key.begin());
    std::copy_n(password.begin(), std::min(password.size(), kKeySize - n_salt),
                key.begin() + static_cast<std::ptrdiff_t>(n_salt));
    return key;
  }
  // Hash many rounds per update call: one call per round would spend more time in call
  // overhead than in SHA-256 for typical 10-30 character passwords.
  const std::size_t unit = salt.size() + password.size() + 8;
  const std::uint64_t rounds = std::uint64_t{1} << cycles_power;
  const std::size_t batch = static_cast<std::size_t>(std::min<std::uint64_t>(rounds, 64));
  SecureBytes buffer(unit * batch, 0);
  for (std::size_t k = 0; k < batch; ++k) {
    std::uint8_t* u = buffer.data() + k * unit;
    std::copy(salt.begin(), salt.end(), u);
    std::copy(password.begin(), password.end(), u + salt.size());
  }
  Sha256 sha; // wipes its state; SHA instructions where the CPU has them (crypto/sha256.hpp)
  for (std::uint64_t round = 0; round < rounds; round += batch) {
    for (std::size_t k = 0; k < batch; ++k) {
      std::uint8_t* counter = buffer.data() + k * unit + unit - 8;
      const std::uint64_t value = round + k;
      for (int b = 0; b < 8; ++b)
        counter[b] = static_cast<std::uint8_t>(value >> (8 * b));
    }
    sha.update(ByteView(buffer.data(), buffer.size()));
  }
  auto digest = sha.finish();
  std::copy(digest.begin(), digest.end(), key.begin());
  mbedtls_platform_zeroize(digest.data(), digest.size());
  return key;
}

// Binds a key derived ahead to the password it was derived from: cheap to check against the
// password a read is given, and no shortcut to either (the key is the stronger secret).
SecureBytes password_check(ByteView key, ByteView password_utf16) {
  Sha256 sha;
  sha.update(key);
  sha.update(password_utf16);
  auto digest = sha.finish();
  SecureBytes out(digest.begin(), digest.end());
  mbedtls_platform_zeroize(digest.data(), digest.size());
  return out;
}

} // namespace

Result<AesParams> parse_aes_props(ByteView props) {
  AesParams params;
  if (props.empty()) return params; // no salt, no IV, one hashing round
  const unsigned b0 = props[0];
  params.cycles_power = b0 & 0x3F;
  std::size_t iv_size = 0;
  if ((b0 & 0xC0) == 0) {
    if (props.size() != 1) return make_error(ErrorCode::kCorrupt, "malformed 7zAES properties");
  } else {
    if (props.size() < 2) return make_error(ErrorCode::kCorrupt, "malformed 7zAES properties");
    const unsigned b1 = props[1];
    params.salt_size = ((b0 >> 7) & 1u) + (b1 >> 4);
    iv_size = ((b0 >> 6) & 1u) + (b1 & 0x0Fu);
    if (props.size() != 2 + params.salt_size + iv_size)
      return make_error(ErrorCode::kCorrupt, "malformed 7zAES properties");
    std::copy_n(props.begin() + 2, params.salt_size, params.salt.begin());
    std::copy_n(props.begin() + 2 + static_cast<std::ptrdiff_t>(params.salt_size), iv_size,
                params.iv.begin());
  }
  if (params.cycles_power > kMaxAesCyclesPower && params.cycles_power != kAesCyclesNoHash) {
    return make_error(ErrorCode::kLimitExceeded,
                      "the archive asks for 2^" + std::to_string(params.cycles_power) +
                          " key derivation rounds (at most 2^24 are allowed)");
  }
  return params;
}

std::uint64_t derivation_rounds(const AesParams& params) {
  if (params.cycles_power == kAesCyclesNoHash) return 0;
  return std::uint64_t{1} << params.cycles_power; // parse_aes_props capped it at 24
}

const AesKeyCache::Entry* AesKeyCache::find(const AesParams& params) const {
  for (const Entry& e : entries_) {
    if (e.cycles_power == params.cycles_power && e.salt_size == params.salt_size &&
        std::equal(e.salt.begin(), e.salt.begin() + static_cast<std::ptrdiff_t>(e.salt_size),
                   params.salt.begin())) {
      return &e;
    }
  }
  return nullptr;
}

std::uint64_t derivation_bytes(const AesParams& params, std::size_t password_utf16_size) {
  // Rounds are at most 2^24, salt 16 bytes and a password at most a few MiB: no overflow.
  return derivation_rounds(params) * (params.salt_size + password_utf16_size + 8);
}

AesKeyCache::AesKeyCache(ByteView password_utf8, const Limits& limits, ArchiveWork& spent,
                         const SevenZipKey* known_key)
    : limits_(limits), bundle_spent_(spent), has_password_(!password_utf8.empty()) {
  if (!has_password_) return;
  auto utf16 = utf8_to_utf16le(password_utf8);
  if (utf16) {
    password_utf16_ = std::move(*utf16);
  } else {
    valid_utf8_ = false;
  }
  // A key derived ahead stands for its parameters' derivation when it was derived from this
  // password: otherwise whoever handed it over would choose the key instead of the password.
  if (valid_utf8_ && known_key && known_key->key.size() == kKeySize &&
      known_key->cycles_power <= kMaxAesCyclesPower &&
      known_key->password_check.size() == kKeySize) {
    const auto check = password_check(as_bytes(known_key->key), as_bytes(password_utf16_));
    if (mbedtls_ct_memcmp(check.data(), known_key->password_check.data(), kKeySize) == 0)
      entries_.push_back(Entry{{}, 0, known_key->cycles_power, known_key->key, /*given=*/true});
  }
}

Status AesKeyCache::check_bytes(std::uint64_t more) const {
  // Each derivation is bounded (2^24 rounds of a bounded unit) and a header holds at most
  // Limits::max_entries folders, so these sums stay far below 2^64.
  if (archive_spent_ + more > limits_.max_archive_key_bytes) {
    return make_error(ErrorCode::kLimitExceeded,
                      "deriving its keys would hash " + std::to_string(archive_spent_ + more) +
                          " bytes (SHA-256), more than the limit of " +
                          std::to_string(limits_.max_archive_key_bytes) +
                          " per archive (7-Zip's own settings hash about 20 MB for a "
                          "16-character key)");
  }
  if (bundle_spent_.key_bytes + more > limits_.max_bundle_key_bytes) {
    return make_error(ErrorCode::kLimitExceeded,
                      "deriving its keys would take the bundle to " +
                          std::to_string(bundle_spent_.key_bytes + more) +
                          " bytes hashed (SHA-256), more than the limit of " +
                          std::to_string(limits_.max_bundle_key_bytes) + " per bundle");
  }
  return success();
}

Status AesKeyCache::check_budget(std::span<const AesParams> needed) const {
  std::uint64_t more = 0;
  for (std::size_t i = 0; i < needed.size(); ++i) {
    if (find(needed[i]) != nullptr) continue;
    // Count each distinct parameter set once, as key_for() will.
    bool repeated = false;
    for (std::size_t j = 0; j < i && !repeated; ++j) {
      repeated = needed[j].cycles_power == needed[i].cycles_power &&
                 needed[j].salt_size == needed[i].salt_size && needed[j].salt == needed[i].salt;
    }
    if (!repeated) more += derivation_bytes(needed[i], password_utf16_.size());
  }
  return check_bytes(more);
}

Result<ByteView> AesKeyCache::key_for(const AesParams& params) {
  if (const Entry* cached = find(params)) {
    if (cached->given) ++bundle_spent_.keys_given;
    return as_bytes(cached->key);
  }
  if (!valid_utf8_)
    return make_error(ErrorCode::kBadInput, "the transport key is not valid UTF-8 text");
  const std::uint64_t bytes = derivation_bytes(params, password_utf16_.size());
  if (auto ok = check_bytes(bytes); !ok) return ok.error();
  archive_spent_ += bytes;
  bundle_spent_.key_bytes += bytes;
  const ByteView salt(params.salt.data(), params.salt_size);
  entries_.push_back(Entry{params.salt, params.salt_size, params.cycles_power,
                           derive_key(salt, as_bytes(password_utf16_), params.cycles_power)});
  return as_bytes(entries_.back().key);
}

Status aes_decrypt(const AesParams& params, AesKeyCache& keys, ByteView in,
                   std::span<std::uint8_t> out) {
  auto key = keys.key_for(params);
  if (!key) return key.error();
  Aes aes;
  mbedtls_aes_setkey_dec(&aes.ctx, key->data(), 256);
  std::array<std::uint8_t, 16> iv = params.iv; // CBC advances it
  if (!in.empty()) {
    mbedtls_aes_crypt_cbc(&aes.ctx, MBEDTLS_AES_DECRYPT, in.size(), iv.data(), in.data(),
                          out.data());
  }
  return success();
}

} // namespace reelcheck::detail::sz

namespace reelcheck {

Result<SevenZipKey> derive_seven_zip_key(ByteView password, unsigned cycles_power) {
  if (password.empty()) return make_error(ErrorCode::kBadInput, "no password to derive a key from");
  if (cycles_power > detail::sz::kMaxAesCyclesPower)
    return make_error(ErrorCode::kBadInput, "7z keys are derived with at most 2^24 rounds");
  auto utf16 = detail::utf8_to_utf16le(password);
  if (!utf16) return make_error(ErrorCode::kBadInput, "the transport key is not valid UTF-8 text");
  SevenZipKey out;
  out.cycles_power = cycles_power;
  out.key = detail::sz::derive_key({}, as_bytes(*utf16), cycles_power);
  out.password_check = detail::sz::password_check(as_bytes(out.key), as_bytes(*utf16));
  return out;
}

} // namespace reelcheck
