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

// The messages around it. A slice for a verifier names the certificates to verify, in an
// archive the verifier holds (it unpacked the archive, or was handed its outcome: the page's
// certificates travel once to the coordinator, not again in every slice), and the terms they are
// to be verified under; an unpacked archive goes back to the coordinator.
struct SliceRef {
  std::size_t archive = 0;
  std::size_t begin = 0;
  std::size_t count = 0;
  VerificationTerms terms;
};
std::vector<std::uint8_t> encode_slice_ref(const SliceRef& slice);
std::vector<std::uint8_t> encode_slice_ref(const CertificateSlice& slice);
Result<SliceRef> decode_slice_ref(std::span<const std::uint8_t> bytes);

// A certificate archive's job, done by a worker: its certificates, or the error (by code name and
// message), for the session to put in the archives' order. Malformed: an error value, not an
// outcome.
std::vector<std::uint8_t> encode_unpack_outcome(const UnpackOutcome& outcome);
Result<UnpackOutcome> decode_unpack_outcome(std::span<const std::uint8_t> bytes);

} // namespace reelcheck::wasm::wire
