// One function per command; each returns the process exit code (README "Exit codes").
#pragma once

#include "cli_options.hpp"
#include "key_source.hpp"
#include "reelcheck/trust.hpp"

namespace reelcheck::cli {

int run_verify(const Options& o, KeySource& keys, const TrustStore& trust);
int run_lookup(const Options& o, KeySource& keys, const TrustStore& trust);
int run_inspect(const Options& o, const TrustStore& trust);
int run_merge(const Options& o);
int run_reconcile(const Options& o);
int run_export(const Options& o, KeySource& keys, const TrustStore& trust);

} // namespace reelcheck::cli
