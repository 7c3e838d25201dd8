#include "crypto/p384_fixed_base_table.hpp"

namespace reelcheck::detail::p384 {

template <unsigned W> FixedBaseTable<W>::FixedBaseTable(const AffinePoint& base) {
  points_.resize(std::size_t(kWindows) * kPointsPerWindow);
  std::vector<JacobianPoint> window(kPointsPerWindow);
  AffinePoint b = base; // 2^(w*i) * base
  for (unsigned i = 0; i < kWindows; ++i) {
    JacobianPoint acc;
    add_affine(acc, b);
    window[0] = acc;
    for (unsigned j = 1; j < kPointsPerWindow; ++j) {
      add_affine(acc, b); // (j+1) * b; never infinity: j+1 < n
      window[j] = acc;
    }
    to_affine_batch(
        window, std::span(points_).subspan(std::size_t(i) * kPointsPerWindow, kPointsPerWindow));
    double_point(acc); // 2^(w-1) * b doubled: the next window's base
    to_affine(acc, b);
  }
}

template <unsigned W>
std::size_t FixedBaseTable<W>::terms(const Element& k, std::span<Term, kWindows> out) const {
  constexpr int kFull = 1 << kWindowBits;
  constexpr int kHalf = 1 << (kWindowBits - 1);
  std::size_t count = 0;
  int carry = 0;
  for (unsigned i = 0; i < kWindows; ++i) {
    int digit = int(bits_at(k, std::size_t(i) * kWindowBits, kWindowBits)) + carry;
    carry = 0;
    if (digit > kHalf) {
      digit -= kFull;
      carry = 1;
    }
    if (digit == 0) continue;
    const bool negative = digit < 0;
    const unsigned index = unsigned(negative ? -digit : digit) - 1;
    out[count++] = Term{&points_[std::size_t(i) * kPointsPerWindow + index], negative};
  }
  return count;
}

template <unsigned W>
void FixedBaseTable<W>::accumulate(JacobianPoint& acc, const Element& k) const {
  Term t[kWindows];
  const std::size_t count = terms(k, t);
  for (std::size_t i = 0; i < count; ++i)
    add_affine(acc, *t[i].point, t[i].negative);
}

// w = 8: the page's; w = 10: the native one. Natively both are built (the tests run w = 8 too);
// the page builds only its own, as ecdsa_p384.cpp does.
template class FixedBaseTable<8>;
#if !defined(__wasm__)
template class FixedBaseTable<10>;
#endif

} // namespace reelcheck::detail::p384
