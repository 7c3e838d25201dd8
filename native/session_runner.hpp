// Runs a VerificationSession's work on threads: every thread takes whatever the session hands
// out next (an archive to unpack, the keys archive, a slice of certificates to verify), runs it
// outside the lock and hands the result back. The session decides the work and checks every
// result; this file only keeps the cores busy. Each thread owns its ChainVerifier (they are not
// thread-safe).
#pragma once

#include <functional>

#include "reelcheck/session.hpp"

namespace reelcheck::cli {

// How one item is run; empty = reelcheck::run_work. Tests swap in a faulty one.
using RunWorkFn =
    std::function<WorkResult(const WorkItem&, const ChainVerifier&, ByteView transport_key)>;

// Runs a begun session until it is settled, on `jobs` threads (the calling thread is one of
// them). A thread that fails (out of memory, a bug) stops the run with that error: in-flight
// work would otherwise never come back.
std::optional<Error> run_session(VerificationSession& session, unsigned jobs,
                                 const RunWorkFn& run = {});

} // namespace reelcheck::cli
