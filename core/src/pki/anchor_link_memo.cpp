#include "pki/anchor_link_memo.hpp"

#include <cstdint>

namespace reelcheck::detail {
namespace {

// The child's length first, so that no two pairs of DERs give the same key.
std::string key_of(const mbedtls_x509_crt& child, const mbedtls_x509_crt& parent) {
  std::string key;
  key.reserve(8 + child.raw.len + parent.raw.len);
  for (int b = 0; b < 8; ++b)
    key.push_back(static_cast<char>(static_cast<std::uint64_t>(child.raw.len) >> (8 * b)));
  key.append(reinterpret_cast<const char*>(child.raw.p), child.raw.len);
  key.append(reinterpret_cast<const char*>(parent.raw.p), parent.raw.len);
  return key;
}

} // namespace

SignatureCheck AnchorLinkMemo::check(const mbedtls_x509_crt& child,
                                     const mbedtls_x509_crt& parent) {
  std::string key = key_of(child, parent);
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
  return memo;
}

} // namespace reelcheck::detail
