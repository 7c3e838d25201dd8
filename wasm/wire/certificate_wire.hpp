// Certificate slices on their way from the coordinator worker to a verifier worker: one
// transferable buffer per slice instead of a JavaScript object per certificate.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "reelcheck/certificate.hpp"
#include "reelcheck/result.hpp"
#include "reelcheck/session.hpp"

namespace reelcheck::wasm::wire {

std::vector<std::uint8_t> encode_certificates(std::span<const CertificateFile> certificates);

// Strict: a wrong tag, a length past the end, an unknown slot or a byte left over is an error.
Result<std::vector<CertificateFile>> decode_certificates(std::span<const std::uint8_t> bytes);

// The messages around it. A slice for a verifier names where its certificates are and the
// terms they are to be verified under; an unpacked archive goes back to the coordinator.
std::vector<std::uint8_t> encode_slice(const CertificateSlice& slice);
struct DecodedSlice {
  std::size_t archive = 0;
  std::size_t begin = 0;
  VerificationTerms terms;
  std::vector<CertificateFile> certificates;
  CertificateSlice view() const { return {archive, begin, certificates, terms}; }
};
Result<DecodedSlice> decode_slice(std::span<const std::uint8_t> bytes);

// A certificate archive's job, done by a worker: its certificates, or the error (by code name and
// message), for the session to put in the archives' order. Malformed: an error value, not an
// outcome.
std::vector<std::uint8_t> encode_unpack_outcome(const UnpackOutcome& outcome);
Result<UnpackOutcome> decode_unpack_outcome(std::span<const std::uint8_t> bytes);

} // namespace reelcheck::wasm::wire
