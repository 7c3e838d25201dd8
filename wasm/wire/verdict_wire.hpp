// Verdicts on their way back from a verifier worker to the coordinator: one transferable
// buffer per slice. A verdict is a security decision, so the reader fails closed: a field that
// is missing, cut short or out of range, an "ok" that contradicts the problems, a "failed"
// without any problem, or a byte left over makes the whole batch an error, never a verdict
// with fewer problems.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "reelcheck/certificate.hpp"
#include "reelcheck/result.hpp"
#include "reelcheck/session.hpp"

namespace reelcheck::wasm::wire {

std::vector<std::uint8_t> encode_verdicts(std::span<const CertificateVerdict> verdicts);
Result<std::vector<CertificateVerdict>> decode_verdicts(std::span<const std::uint8_t> bytes);

// A slice's verdicts with where they belong and the terms they were reached under: "RCW1",
// u32 archive, u32 begin, i64 check time, anchors (string), then the RCV1 message.
std::vector<std::uint8_t> encode_verdict_slice(const VerdictSlice& slice);
Result<VerdictSlice> decode_verdict_slice(std::span<const std::uint8_t> bytes);

} // namespace reelcheck::wasm::wire
