#include "pki/anchor_link_memo.hpp"

#include <cstdint>
#include <iterator>
#include <vector>

#include "pki/infineon_cas.hpp"

namespace reelcheck::detail {

namespace {

// The child's length first, so that no two pairs of DERs give the same key.
std::string key_of(ByteView child, ByteView parent) {
  std::string key;
  key.reserve(8 + child.size() + parent.size());
  for (int b = 0; b < 8; ++b)
    key.push_back(static_cast<char>(static_cast<std::uint64_t>(child.size()) >> (8 * b)));
  key.append(reinterpret_cast<const char*>(child.data()), child.size());
  key.append(reinterpret_cast<const char*>(parent.data()), parent.size());
  return key;
}

ByteView der_of(const mbedtls_x509_crt& crt) {
  return ByteView(crt.raw.p, crt.raw.len);
}

} // namespace

void AnchorLinkMemo::remember(ByteView child_der, ByteView parent_der, SignatureCheck result) {
  const std::lock_guard lock(mutex_);
  if (entries_.size() >= max_entries_) entries_.clear();
  entries_.insert_or_assign(key_of(child_der, parent_der), result);
}

void remember_builtin_links(AnchorLinkMemo& memo) {
  // The embedded certificates, placed by fingerprint: a link is remembered only for the very
  // bytes kInfineonCas names (a changed certificate is checked like any other).
  std::vector<CrtPtr> by_index(std::size(kInfineonCas));
  for (std::string_view pem : embedded_trust_pems()) {
    auto parsed = parse_certificates(
        ByteView(reinterpret_cast<const std::uint8_t*>(pem.data()), pem.size()), "embedded");
    if (!parsed) continue;
    const std::string fingerprint = sha256_hex(der_of(**parsed));
    for (std::size_t i = 0; i < std::size(kInfineonCas); ++i)
      if (kInfineonCas[i].fingerprint_sha256 == fingerprint) by_index[i] = std::move(*parsed);
  }
  for (const InfineonCaLink& link : kInfineonCaLinks) {
    const auto& child = by_index[link.child];
    const auto& parent = by_index[link.parent];
    if (child && parent) memo.remember(der_of(*child), der_of(*parent), SignatureCheck::kValid);
  }
}

SignatureCheck AnchorLinkMemo::check(const mbedtls_x509_crt& child,
                                     const mbedtls_x509_crt& parent) {
  std::string key = key_of(der_of(child), der_of(parent));
  {
    const std::lock_guard lock(mutex_);
    if (const auto found = entries_.find(key); found != entries_.end()) return found->second;
  }
  // Outside the lock: two threads asking at once may both compute it, and agree.
  const SignatureCheck result = check_signature(child, parent);
  const std::lock_guard lock(mutex_);
  ++checks_made_;
  if (entries_.size() >= max_entries_) entries_.clear();
  entries_.emplace(std::move(key), result);
  return result;
}

std::size_t AnchorLinkMemo::checks_made() const {
  const std::lock_guard lock(mutex_);
  return checks_made_;
}

std::size_t AnchorLinkMemo::size() const {
  const std::lock_guard lock(mutex_);
  return entries_.size();
}

void AnchorLinkMemo::clear() {
  const std::lock_guard lock(mutex_);
  entries_.clear();
}

AnchorLinkMemo& anchor_link_memo() {
  static AnchorLinkMemo memo;
  static const bool seeded = (remember_builtin_links(memo), true);
  (void)seeded;
  return memo;
}

} // namespace reelcheck::detail
