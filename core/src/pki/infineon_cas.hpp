// Infineon's four public CA certificates (core/trust/, the embedded default trust), known by the
// SHA-256 of their DER. The PKI layer places them by identity, whatever way they reached the
// store: their CA family (chain_verifier.cpp) and the device profile they demand
// (trust_store.cpp) must not depend on whether the user added them again with --trust.
#pragma once

#include <cstddef>
#include <string_view>

namespace reelcheck::detail {

struct InfineonCa {
  std::string_view fingerprint_sha256;
  bool rsa_family; // RSA Root CA 2 -> Trust M CA 309; else ECC Root CA 2 -> Trust M CA 306
};

inline constexpr InfineonCa kInfineonCas[] = {
    {"ee0c827555c4e9012037df4257bb8aaa26084a17b13ede41cd7895c8d6c11190", false}, // ECC Root CA 2
    {"4c1d5b89c8a61b0772559b173e9093af8a29cf6dd542116569bbc2e713ed9d93", false}, // Trust M CA 306
    {"b413c71580af3ec5efe83fad31db2d4af4612355e3b01e50903b10763d738894", true},  // RSA Root CA 2
    {"e4db515b145f22be438f184ebc36e92b243a617a2660676c4fa99a89e2c7171c", true},  // Trust M CA 309
};

// Which of them signed which (indices into kInfineonCas): each root itself, each CA its root.
// The built-in anchors' links are these facts about fixed bytes, so a verifier made for the
// built-in trust need not check them with mbedTLS again (pki/anchor_link_memo.cpp);
// tests/anchor_link_memo_test.cpp checks every one with mbedTLS.
struct InfineonCaLink {
  std::size_t child, parent;
};
inline constexpr InfineonCaLink kInfineonCaLinks[] = {{0, 0}, {1, 0}, {2, 2}, {3, 2}};

// The Infineon CA with this fingerprint (lower-case hex), or nullptr.
inline const InfineonCa* find_infineon_ca(std::string_view fingerprint_sha256) {
  for (const InfineonCa& ca : kInfineonCas)
    if (ca.fingerprint_sha256 == fingerprint_sha256) return &ca;
  return nullptr;
}

} // namespace reelcheck::detail
