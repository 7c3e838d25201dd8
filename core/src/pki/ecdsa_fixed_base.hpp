// ECDSA verification against one issuing CA key, with precomputed tables for both the curve's
// generator G and the CA's public point Q.
//
// A reel has ~8,200 EC device certificates signed by the same CA key. mbedTLS caches a comb
// table only for G, so every verification rebuilt a table for Q, which cost about 60% of the
// time. Here Q gets a group of its own whose "generator" is Q, so mbedTLS caches its table too,
// and u1*G + u2*Q becomes two fixed-base multiplications plus one point addition.
// Not thread-safe (the tables are filled on first use): one instance per ChainVerifier.
#pragma once

#include <mbedtls/ecp.h>

#include <cstddef>
#include <memory>

namespace reelcheck::detail {

class EcdsaFixedBaseVerifier {
public:
  // nullptr if `key` is not a usable EC public key.
  static std::unique_ptr<EcdsaFixedBaseVerifier> create(const mbedtls_ecp_keypair& key);
  ~EcdsaFixedBaseVerifier();
  EcdsaFixedBaseVerifier(const EcdsaFixedBaseVerifier&) = delete;
  EcdsaFixedBaseVerifier& operator=(const EcdsaFixedBaseVerifier&) = delete;

  // `signature` is the DER ECDSA-Sig-Value of an X.509 certificate. A signature that is
  // malformed or does not verify gives false.
  bool verify(const unsigned char* hash, std::size_t hash_len, const unsigned char* signature,
              std::size_t signature_len);

private:
  EcdsaFixedBaseVerifier();
  mbedtls_ecp_group with_g_; // the curve as standardised
  mbedtls_ecp_group with_q_; // the same curve with the CA's point as generator
};

} // namespace reelcheck::detail
