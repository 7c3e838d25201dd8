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

namespace reelcheck::wasm::wire {

std::vector<std::uint8_t> encode_verdicts(std::span<const CertificateVerdict> verdicts);
Result<std::vector<CertificateVerdict>> decode_verdicts(std::span<const std::uint8_t> bytes);

} // namespace reelcheck::wasm::wire
