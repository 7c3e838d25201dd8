#include "crypto/sha256.hpp"

#include <mbedtls/platform_util.h>

#include <cstring>

#ifdef REELCHECK_TEST_HOOKS
#include <atomic>

#include "reelcheck/testing.hpp"
#endif

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>
#define REELCHECK_SHA_NI 1
#endif

namespace reelcheck::detail {
namespace {

constexpr std::uint32_t kRoundConstants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

inline std::uint32_t rotr(std::uint32_t x, int n) {
  return (x >> n) | (x << (32 - n));
}

// One round, with the variables passed in their rotated order (no copying between rounds), and
// sixteen of them with the message words given by `word(j)`: written out, so that every index is
// a constant whatever the compiler unrolls.
#define REELCHECK_SHA256_ROUND(a, b, c, d, e, f, g, h, j, word)                                  \
  do {                                                                                         \
    const std::uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + \
                             k[j] + (word);                                                    \
    const std::uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c)); \
    d += t1;                                                                                   \
    h = t1 + t2;                                                                               \
  } while (0)
#define REELCHECK_SHA256_SIXTEEN_ROUNDS(WORD)                                                  \
  REELCHECK_SHA256_ROUND(a, b, c, d, e, f, g, h, 0, WORD(0));                                  \
  REELCHECK_SHA256_ROUND(h, a, b, c, d, e, f, g, 1, WORD(1));                                  \
  REELCHECK_SHA256_ROUND(g, h, a, b, c, d, e, f, 2, WORD(2));                                  \
  REELCHECK_SHA256_ROUND(f, g, h, a, b, c, d, e, 3, WORD(3));                                  \
  REELCHECK_SHA256_ROUND(e, f, g, h, a, b, c, d, 4, WORD(4));                                  \
  REELCHECK_SHA256_ROUND(d, e, f, g, h, a, b, c, 5, WORD(5));                                  \
  REELCHECK_SHA256_ROUND(c, d, e, f, g, h, a, b, 6, WORD(6));                                  \
  REELCHECK_SHA256_ROUND(b, c, d, e, f, g, h, a, 7, WORD(7));                                  \
  REELCHECK_SHA256_ROUND(a, b, c, d, e, f, g, h, 8, WORD(8));                                  \
  REELCHECK_SHA256_ROUND(h, a, b, c, d, e, f, g, 9, WORD(9));                                  \
  REELCHECK_SHA256_ROUND(g, h, a, b, c, d, e, f, 10, WORD(10));                                \
  REELCHECK_SHA256_ROUND(f, g, h, a, b, c, d, e, 11, WORD(11));                                \
  REELCHECK_SHA256_ROUND(e, f, g, h, a, b, c, d, 12, WORD(12));                                \
  REELCHECK_SHA256_ROUND(d, e, f, g, h, a, b, c, 13, WORD(13));                                \
  REELCHECK_SHA256_ROUND(c, d, e, f, g, h, a, b, 14, WORD(14));                                \
  REELCHECK_SHA256_ROUND(b, c, d, e, f, g, h, a, 15, WORD(15))

// FIPS 180-4 compression of whole 64-byte blocks in plain C++, for CPUs without the SHA
// instructions and for the page's WebAssembly. The working variables and the 16-word schedule
// are named values with constant indices, so that they stay in registers (wasm locals) instead
// of an array in memory, where mbedTLS's loop keeps them: the 7z key derivation (22 MB) is the
// page's longest single hash.
void compress_portable(std::uint32_t state[8], const std::uint8_t* data, std::size_t blocks) {
  for (; blocks > 0; --blocks, data += 64) {
    std::uint32_t w[16];
    for (int i = 0; i < 16; ++i)
      w[i] = std::uint32_t(data[4 * i]) << 24 | std::uint32_t(data[4 * i + 1]) << 16 |
             std::uint32_t(data[4 * i + 2]) << 8 | std::uint32_t(data[4 * i + 3]);
    std::uint32_t a = state[0], b = state[1], c = state[2], d = state[3], e = state[4],
                  f = state[5], g = state[6], h = state[7];
    const std::uint32_t* k = kRoundConstants;
#define REELCHECK_SHA256_LOADED(j) w[j]
    REELCHECK_SHA256_SIXTEEN_ROUNDS(REELCHECK_SHA256_LOADED);
#undef REELCHECK_SHA256_LOADED
    // W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16], in a ring of the last sixteen.
#define REELCHECK_SHA256_EXPANDED(j)                                                           \
  (w[j] += (rotr(w[(j + 14) & 15], 17) ^ rotr(w[(j + 14) & 15], 19) ^ (w[(j + 14) & 15] >> 10)) + \
           w[(j + 9) & 15] +                                                                   \
           (rotr(w[(j + 1) & 15], 7) ^ rotr(w[(j + 1) & 15], 18) ^ (w[(j + 1) & 15] >> 3)))
    for (int group = 1; group < 4; ++group) {
      k += 16;
      REELCHECK_SHA256_SIXTEEN_ROUNDS(REELCHECK_SHA256_EXPANDED);
    }
#undef REELCHECK_SHA256_EXPANDED
    state[0] += a;
    state[1] += b;
    state[2] += c;
    state[3] += d;
    state[4] += e;
    state[5] += f;
    state[6] += g;
    state[7] += h;
  }
  // As on the SHA-NI path, the working values are registers (wasm locals, outside the page's
  // heap), not memory: wiping them would take their address and put them back in memory. The
  // state and the pending block, which carry the key between calls, are wiped with the stream.
}
#undef REELCHECK_SHA256_SIXTEEN_ROUNDS
#undef REELCHECK_SHA256_ROUND

#if defined(REELCHECK_SHA_NI)

// FIPS 180-4 compression of whole 64-byte blocks with the SHA-NI instructions. The state is
// kept as the instructions want it: (A,B,E,F) and (C,D,G,H).
__attribute__((target("sha,sse4.1,ssse3"))) void
compress_sha_ni(std::uint32_t state[8], const std::uint8_t* data, std::size_t blocks) {
  const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  __m128i dcba = _mm_loadu_si128(reinterpret_cast<const __m128i*>(state));
  __m128i hgfe = _mm_loadu_si128(reinterpret_cast<const __m128i*>(state + 4));
  dcba = _mm_shuffle_epi32(dcba, 0xB1);             // CDAB
  hgfe = _mm_shuffle_epi32(hgfe, 0x1B);             // EFGH
  __m128i abef = _mm_alignr_epi8(dcba, hgfe, 8);    // ABEF
  __m128i cdgh = _mm_blend_epi16(hgfe, dcba, 0xF0); // CDGH
  for (; blocks > 0; --blocks, data += 64) {
    const __m128i abef_before = abef, cdgh_before = cdgh;
    __m128i w[4]; // the schedule, four words at a time (a ring of the last 16 words)
    for (int group = 0; group < 16; ++group) {
      __m128i words;
      if (group < 4) {
        words = _mm_shuffle_epi8(
            _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + 16 * group)), byte_swap);
      } else {
        // W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16]
        const __m128i w16 = w[group % 4], w12 = w[(group + 1) % 4], w8 = w[(group + 2) % 4],
                      w4 = w[(group + 3) % 4];
        words = _mm_sha256msg2_epu32(
            _mm_add_epi32(_mm_sha256msg1_epu32(w16, w12), _mm_alignr_epi8(w4, w8, 4)), w4);
      }
      w[group % 4] = words;
      __m128i message = _mm_add_epi32(
          words, _mm_loadu_si128(reinterpret_cast<const __m128i*>(kRoundConstants + 4 * group)));
      cdgh = _mm_sha256rnds2_epu32(cdgh, abef, message);
      message = _mm_shuffle_epi32(message, 0x0E);
      abef = _mm_sha256rnds2_epu32(abef, cdgh, message);
    }
    abef = _mm_add_epi32(abef, abef_before);
    cdgh = _mm_add_epi32(cdgh, cdgh_before);
  }
  const __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
  const __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(state), _mm_blend_epi16(feba, dchg, 0xF0));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(state + 4), _mm_alignr_epi8(dchg, feba, 8));
}

// CPUID directly: clang 14's __builtin_cpu_supports does not know "sha".
bool cpu_has_sha_ni() {
  static const bool has = [] {
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return false;
    const bool ssse3 = (c >> 9) & 1u, sse41 = (c >> 19) & 1u;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
    const bool sha = (b >> 29) & 1u;
    return sha && ssse3 && sse41;
  }();
  return has;
}

#else

bool cpu_has_sha_ni() {
  return false;
}

#endif

#ifdef REELCHECK_TEST_HOOKS
std::atomic<bool> portable_forced{false};
#endif

// Whether a stream made now takes the SHA instructions.
bool use_sha_ni() {
#ifdef REELCHECK_TEST_HOOKS
  if (portable_forced.load(std::memory_order_relaxed)) return false;
#endif
  return cpu_has_sha_ni();
}

} // namespace

struct Sha256::Impl {
  bool accelerated = use_sha_ni();
  std::uint32_t state[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                            0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  std::uint8_t pending[64] = {};
  std::size_t pending_len = 0;
  std::uint64_t total = 0;

  ~Impl() {
    mbedtls_platform_zeroize(state, sizeof state);
    mbedtls_platform_zeroize(pending, sizeof pending);
  }

  void compress(const std::uint8_t* data, std::size_t blocks) {
#if defined(REELCHECK_SHA_NI)
    if (accelerated) return compress_sha_ni(state, data, blocks);
#endif
    compress_portable(state, data, blocks);
  }

  void update(const std::uint8_t* data, std::size_t len) {
    total += len;
    if (pending_len > 0) {
      const std::size_t take = std::min(len, 64 - pending_len);
      std::memcpy(pending + pending_len, data, take);
      pending_len += take;
      data += take;
      len -= take;
      if (pending_len < 64) return;
      compress(pending, 1);
      pending_len = 0;
    }
    if (len >= 64) {
      compress(data, len / 64);
      data += len / 64 * 64;
      len %= 64;
    }
    std::memcpy(pending, data, len);
    pending_len = len;
  }

  std::array<std::uint8_t, 32> finish() {
    const std::uint64_t bits = total * 8;
    std::uint8_t tail[72] = {0x80};
    const std::size_t pad = (pending_len < 56 ? 56 : 120) - pending_len;
    for (int i = 0; i < 8; ++i)
      tail[pad + i] = std::uint8_t(bits >> (56 - 8 * i));
    update(tail, pad + 8);
    std::array<std::uint8_t, 32> digest{};
    for (int i = 0; i < 8; ++i)
      for (int j = 0; j < 4; ++j)
        digest[4 * i + j] = std::uint8_t(state[i] >> (24 - 8 * j));
    mbedtls_platform_zeroize(tail, sizeof tail);
    return digest;
  }
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {}
Sha256::~Sha256() = default;

bool Sha256::hardware_accelerated() {
  return use_sha_ni();
}

bool Sha256::uses_sha_instructions() const {
  return impl_->accelerated;
}

void Sha256::update(ByteView data) {
  impl_->update(data.data(), data.size());
}

std::array<std::uint8_t, 32> Sha256::finish() {
  return impl_->finish();
}

} // namespace reelcheck::detail

#ifdef REELCHECK_TEST_HOOKS
namespace reelcheck::testing {
bool force_portable_sha256(bool on) noexcept {
  return detail::portable_forced.exchange(on);
}
} // namespace reelcheck::testing
#endif
