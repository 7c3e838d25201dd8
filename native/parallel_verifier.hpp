// Spreads certificate verification over threads: each thread owns a ChainVerifier (they are
// not thread-safe) and pulls slices of the certificate list until none are left. Fails closed.
#pragma once

#include <functional>
#include <vector>

#include "reelcheck/certificate.hpp"
#include "reelcheck/trust.hpp"

namespace reelcheck::cli {

using VerifyProgress = std::function<void(std::size_t done, std::size_t total)>;

// How one certificate is verified; empty = ChainVerifier::verify. Tests swap in a faulty one.
using VerifyFn =
    std::function<CertificateVerdict(const ChainVerifier&, const CertificateFile&, CheckTime)>;

// One verdict per certificate, in the certificates' order; an error (never a partial list) when
// a thread failed or a verdict does not answer its certificate.
Result<std::vector<CertificateVerdict>>
verify_in_parallel(const std::vector<CertificateFile>& certificates, const TrustStore& trust,
                   CheckTime at, unsigned jobs, const VerifyProgress& progress,
                   const VerifyFn& verify = {});

} // namespace reelcheck::cli
