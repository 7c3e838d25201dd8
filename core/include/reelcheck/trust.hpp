// Trust anchors and chain verification.
//
// TrustStore is a plain value: the DER of each CA certificate the user trusts (by default
// Infineon's four public CAs, embedded in the binary). ChainVerifier holds the parsed form and
// is NOT thread-safe (mbedTLS caches per-curve tables inside key contexts): create one per
// thread or Web Worker from the same TrustStore.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "reelcheck/certificate.hpp"
#include "reelcheck/result.hpp"

namespace reelcheck {

struct TrustAnchor {
  std::vector<std::uint8_t> der;
  std::string subject;
  std::string source; // "embedded" or the file it came from
  std::string fingerprint_sha256;
};

class TrustStore {
public:
  static TrustStore infineon_default(); // the four embedded Infineon CA certificates
  static TrustStore empty() { return TrustStore{}; }

  // Adds every certificate of a PEM (or DER) file; returns how many were added.
  Result<std::size_t> add(ByteView pem_or_der, std::string_view source);
  const std::vector<TrustAnchor>& anchors() const { return anchors_; }

private:
  std::vector<TrustAnchor> anchors_;
};

class ChainVerifier {
public:
  explicit ChainVerifier(const TrustStore& store);
  ~ChainVerifier();
  ChainVerifier(ChainVerifier&&) noexcept;
  ChainVerifier& operator=(ChainVerifier&&) noexcept;

  // Verifies one device certificate: parse, chain to an anchor, every signature, validity of
  // every certificate on the path at `at`, key type for the slot, not a CA, file name vs slot.
  CertificateVerdict verify(const CertificateFile& file, CheckTime at) const;

  // Verifies a CA certificate against the store (used for the anchors themselves in tests
  // and by `reelcheck inspect`): same checks, without the device-slot rules.
  CertificateVerdict verify_loose(ByteView pem_or_der, std::string_view name, CheckTime at) const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

} // namespace reelcheck
