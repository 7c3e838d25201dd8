// The P-384 verifier's name and window size, for headers that only hold a pointer to one.
#pragma once

namespace reelcheck::detail {

namespace p384 {
// The fixed-base tables' window: 2^(w-1) points per window. Natively w = 10 (40 windows x 512
// points x 96 bytes = 1.9 MiB, built once per process and shared by the threads): 20% fewer
// additions than w = 8. Each Web Worker builds its own tables, so there w = 8 (49 x 128 x 96
// bytes = 588 KiB) builds 3x faster, which pays for the extra additions on a worker's share of
// one reel. A compile-time constant, so each build's hot loop has its w built in; the native
// tests instantiate the engine at both sizes.
#if defined(__wasm__)
inline constexpr unsigned kProductionWindowBits = 8;
#else
inline constexpr unsigned kProductionWindowBits = 10;
#endif
} // namespace p384

template <unsigned WindowBits> class BasicEcdsaP384Verifier;
// The engine the core uses.
using EcdsaP384Verifier = BasicEcdsaP384Verifier<p384::kProductionWindowBits>;

} // namespace reelcheck::detail
