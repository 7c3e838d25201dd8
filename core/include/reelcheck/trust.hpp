// Trust anchors and chain verification.
//
// TrustStore is a plain value: the DER of each CA certificate the user trusts (by default
// Infineon's four public CAs, embedded in the binary). ChainVerifier holds the parsed form and
// is NOT thread-safe (mbedTLS caches per-curve tables inside key contexts): create one per
// thread or Web Worker from the same TrustStore.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "reelcheck/certificate.hpp"
#include "reelcheck/result.hpp"

namespace reelcheck {

// What an anchor demands of the device certificates under it: issued by it, or by an anchor it
// issued (a CA a root signed inherits the root's demand). An Infineon device certificate has a
// fixed profile, so under Infineon's CAs a certificate without it is not one of theirs; a test
// PKI or another vendor's CA may profile its devices differently.
enum class DeviceProfile {
  kBasic,    // the checks every device certificate gets (anchors added with --trust)
  kInfineon, // and Infineon's profile: keyUsage digitalSignature marked critical, and
             // basicConstraints CA:FALSE (the embedded CAs)
};

struct TrustAnchor {
  std::vector<std::uint8_t> der;
  std::string subject;
  std::string source; // "embedded" or the file it came from
  std::string fingerprint_sha256;
  DeviceProfile device_profile = DeviceProfile::kBasic;
};

// What a store may hold. A --trust file comes from outside: a huge RSA key or exponent would
// make every signature check slow, and many same-named or deeply chained anchors multiply the
// checks per certificate. Such files are refused when added, with a message naming the limit.
struct TrustLimits {
  std::size_t max_anchors = 32;         // in the whole store (Infineon's default has 4)
  std::size_t max_anchors_per_name = 4; // sharing one subject name (renewed CAs)
  unsigned max_rsa_bits = 4096;         // RSA modulus (Infineon's RSA Root CA 2 has 4096)
  unsigned max_rsa_exponent_bits = 32;  // RSA public exponent (65537 has 17 bits)
  unsigned max_chain_depth = 4;         // anchors issued by anchors, by name (root -> CA is 2)
};

class TrustStore {
public:
  explicit TrustStore(TrustLimits limits = {}) : limits_(limits) {}
  // The four embedded Infineon CA certificates, with the Infineon device profile.
  static TrustStore infineon_default(TrustLimits limits = {});
  static TrustStore empty(TrustLimits limits = {}) { return TrustStore(limits); }

  // Adds every certificate of a PEM (or DER) file with the given device profile; returns how
  // many were added. A duplicate of an anchor already held is not added again, but a stricter
  // profile carries over to the anchor held. Infineon's four CAs always get the Infineon
  // profile, however they are added (known by fingerprint). All or nothing: on an error
  // nothing changes. Errors: kBadInput (unparsable, not a CA), kLimitExceeded (a TrustLimits
  // limit).
  Result<std::size_t> add(ByteView pem_or_der, std::string_view source,
                          DeviceProfile profile = DeviceProfile::kBasic);
  const std::vector<TrustAnchor>& anchors() const { return anchors_; }
  // SHA-256 (hex) over every anchor's DER and device profile, in order: two stores with the
  // same fingerprint reach the same verdicts. Verdicts carry it across threads and workers.
  std::string fingerprint() const;

private:
  TrustLimits limits_;
  std::vector<TrustAnchor> anchors_;
};

// An RSA PKCS#1 v1.5 signature (RSASSA-PKCS1-v1_5 with SHA-2) of a certificate by an anchor's
// key, as ChainVerifier::verify_all would check it: for a front end whose platform verifies RSA
// in native code while the core's own engine would run as WebAssembly (the page: WebCrypto).
// Views into the PendingVerdicts it came from.
struct RsaSignatureQuestion {
  ByteView issuer_key;   // the anchor's SubjectPublicKeyInfo, DER
  std::string_view hash; // "SHA-256", "SHA-384" or "SHA-512" (WebCrypto's names)
  ByteView signed_data;  // the certificate's tbsCertificate, DER
  ByteView signature;    // the signature value
};
// An answer to one: kUnanswered leaves it to the core's own engine (the platform could not
// take the key, or failed).
enum class RsaAnswer : std::uint8_t { kInvalid = 0, kValid = 1, kUnanswered = 2 };

// verify_all between its two steps (ChainVerifier::begin_all, finish_all): the certificates
// parsed, their P-384 signatures checked, the RSA ones asked. Holds views of the files and
// belongs to the ChainVerifier that began it; both must outlive it.
class PendingVerdicts {
public:
  PendingVerdicts(PendingVerdicts&&) noexcept;
  PendingVerdicts& operator=(PendingVerdicts&&) noexcept;
  ~PendingVerdicts();
  std::span<const RsaSignatureQuestion> rsa_questions() const;

private:
  friend class ChainVerifier;
  struct State;
  explicit PendingVerdicts(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

class ChainVerifier {
public:
  explicit ChainVerifier(const TrustStore& store);
  ~ChainVerifier();
  ChainVerifier(ChainVerifier&&) noexcept;
  ChainVerifier& operator=(ChainVerifier&&) noexcept;

  // Verifies one device certificate: parse (exactly one certificate in the file), chain to an
  // anchor, every signature, validity of every certificate on the path at `at`, each CA's
  // pathLenConstraint, key type for the slot, not a CA, keyUsage, file name vs slot, and the
  // device profile the anchors above it demand.
  CertificateVerdict verify(const CertificateFile& file, CheckTime at) const;

  // verify() for each file, the same verdicts in the same order, faster: the P-384 signatures
  // of many certificates are checked together (one batch per call; a slice of an archive).
  std::vector<CertificateVerdict> verify_all(std::span<const CertificateFile> files,
                                             CheckTime at) const;

  // verify_all in two steps, for a front end that verifies the RSA signatures elsewhere and
  // asynchronously (the page's WebCrypto): begin_all does everything up to them, finish_all
  // takes one answer per rsa_questions(), in order, and gives verify_all's verdicts. Fails
  // closed (kBadInput, "verification is inconsistent"): a count of answers that is not the
  // questions', or pending verdicts another ChainVerifier began.
  PendingVerdicts begin_all(std::span<const CertificateFile> files, CheckTime at) const;
  Result<std::vector<CertificateVerdict>> finish_all(PendingVerdicts pending,
                                                     std::span<const RsaAnswer> answers) const;

  // Verifies a CA certificate against the store (used for the anchors themselves in tests
  // and by `reelcheck inspect`): same checks, without the device rules and profile.
  CertificateVerdict verify_loose(ByteView pem_or_der, std::string_view name, CheckTime at) const;

  // Links the anchors (their own signatures) and builds the verify-only engines' tables for
  // every anchor now; otherwise the links are made at the first verification and each table
  // when its key first signs a certificate, so constructing a ChainVerifier is cheap. For a
  // front end with idle time before the certificates arrive (the page's verifier workers,
  // while the coordinator unpacks). Verdicts are the same.
  void prepare() const;

  // TrustStore::fingerprint() of the store it was built from.
  const std::string& anchors_fingerprint() const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

} // namespace reelcheck
