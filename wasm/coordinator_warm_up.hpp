// The coordinator's once-per-run code, run on a made-up reel while the page waits for the user.
//
// V8 runs WebAssembly on its baseline tier until a function has run long enough, then compiles
// it again in the background and uses that code from the function's next call on. The code the
// coordinator runs once per run (the key files' parser, the verdicts' hand-off, the report and
// the page's view of it) therefore ran on the baseline tier in a page's first run, at its end,
// while both verifiers waited: the report request took 100-160 ms on a fresh page against
// 35-60 ms on later ones (docs/performance.md). Run on made-up reels after the page has loaded,
// the same code is optimised before the first bundle is chosen.
#pragma once

#include <cstddef>
#include <cstdint>

#include "reelcheck/report.hpp"

namespace reelcheck::wasm {

// A reel of `chips` made-up chips (three certificates and both secrets each, every one good)
// through the same steps as a run's coordinator: the key files parsed, every verdict through the
// wire format and checked against what was "sent", the report built and its view written.
// -> the report's counts (every chip OK unless a step refused the made-up reel, which would mean
// that step's code was not run: the tests check it). Nothing made here is kept.
ReportCounts warm_up_reel(std::size_t chips);

// The LZMA decoder on a stream of zero bytes, which LZMA decodes to zeros (every bit of the range
// coder reads 0, so every symbol is a literal 0): kWarmUpLzmaInput bytes decode to exactly
// kWarmUpLzmaOutput with the properties kWarmUpLzmaProps. The decoder is the verifiers' code, but
// the workers share the page's one compiled module, so its optimised code is theirs too: a
// verifier's first archive was decoded on the baseline tier from its first byte to its last (one
// call), 1.5-3x slower. -> true when the decoder took the stream to its end.
inline constexpr std::uint8_t kWarmUpLzmaProps[5] = {0x5D, 0x00, 0x00, 0x01, 0x00}; // lc3 pb2, 64K
inline constexpr std::size_t kWarmUpLzmaInput = 1665;
inline constexpr std::size_t kWarmUpLzmaOutput = 64 * 1024;
bool warm_up_lzma();

// What the coordinator runs after loading: the decoder, then a few made-up reels, enough for V8
// to optimise that code (its tier-up counts the work a function has done, over calls).
void warm_up_coordinator();

} // namespace reelcheck::wasm
