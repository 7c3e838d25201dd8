// The signature of one trust anchor checked with another's key, remembered for the process.
//
// A ChainVerifier links its anchors by such checks (a root's own signature, a CA's by its root):
// mbedTLS's P-521 and RSA-4096, some 40 ms per set of anchors in wasm, more on code V8 has not
// optimised yet. Every CLI thread makes a ChainVerifier, and a page's verifier makes a new one
// whenever the trust settings change (the built-in anchors at load, then the user's, then "only
// these"), over mostly the same certificates. The answer is a function of the two certificates'
// DER alone, so the memo keys on both DERs in full: a hit is the same question, byte for byte.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <string>

#include "pki/parsed_certificate.hpp"

namespace reelcheck::detail {

class AnchorLinkMemo {
public:
  // Bounded: a store holds at most 32 anchors, a page's settings rarely change. When full, the
  // memo starts again empty rather than growing.
  explicit AnchorLinkMemo(std::size_t max_entries = 256) : max_entries_(max_entries) {}

  // check_signature(child, parent) through mbedTLS, asked once per pair of DERs.
  SignatureCheck check(const mbedtls_x509_crt& child, const mbedtls_x509_crt& parent);
  // An answer known beforehand (remember_builtin_links), for these two DERs exactly.
  void remember(ByteView child_der, ByteView parent_der, SignatureCheck result);

  // How many checks were computed (not found): tests show that a second verifier reuses them.
  std::size_t checks_made() const;
  std::size_t size() const;
  void clear();

private:
  mutable std::mutex mutex_;
  std::map<std::string, SignatureCheck, std::less<>> entries_;
  std::size_t max_entries_;
  std::size_t checks_made_ = 0;
};

// The built-in anchors' links (kInfineonCaLinks, each checked by the tests) put into `memo`, for
// exactly the embedded certificates' bytes: a ChainVerifier over the built-in trust then links
// it without mbedTLS's P-521 and RSA-4096 (the page's verifiers make one as it loads).
void remember_builtin_links(AnchorLinkMemo& memo);

// The process's memo, shared by every ChainVerifier (and thread); it starts with the built-in
// anchors' links.
AnchorLinkMemo& anchor_link_memo();

} // namespace reelcheck::detail
