// Certificate slices on their way from the coordinator worker to a verifier worker: one
// transferable buffer per slice instead of a JavaScript object per certificate.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "reelcheck/certificate.hpp"
#include "reelcheck/result.hpp"

namespace reelcheck::wasm::wire {

std::vector<std::uint8_t> encode_certificates(std::span<const CertificateFile> certificates);

// Strict: a wrong tag, a length past the end, an unknown slot or a byte left over is an error.
Result<std::vector<CertificateFile>> decode_certificates(std::span<const std::uint8_t> bytes);

} // namespace reelcheck::wasm::wire
