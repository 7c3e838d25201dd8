// Spreads certificate verification over threads: each thread owns a ChainVerifier (they are
// not thread-safe) and pulls slices of the certificate list until none are left.
#pragma once

#include <functional>
#include <vector>

#include "reelcheck/certificate.hpp"
#include "reelcheck/trust.hpp"

namespace reelcheck::cli {

using VerifyProgress = std::function<void(std::size_t done, std::size_t total)>;

std::vector<CertificateVerdict> verify_in_parallel(const std::vector<CertificateFile>& certificates,
                                                   const TrustStore& trust, CheckTime at,
                                                   unsigned jobs, const VerifyProgress& progress);

} // namespace reelcheck::cli
