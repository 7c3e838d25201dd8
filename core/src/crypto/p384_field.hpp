// The arithmetic modulo the P-384 prime this build uses: on 64-bit limbs the fold of p's
// special form (SolinasField); where the limbs are 32-bit (wasm, and the tests of the page's
// arithmetic) Montgomery products on 29-bit digits (Radix29Field). Both have the same interface:
// Value, kModulus, one, encode/decode between plain Limbs and Value, add, sub, neg, mul, sqr,
// is_zero, equal, inverse and inverse_each.
#pragma once

#include "crypto/fixed_width.hpp"

#if defined(REELCHECK_WIDE_LIMBS)
#include "crypto/p384_field_solinas.hpp"
namespace reelcheck::detail::p384 {
using Field = SolinasField;
}
#else
#include "crypto/p384_field_radix29.hpp"
namespace reelcheck::detail::p384 {
using Field = Radix29Field;
}
#endif
