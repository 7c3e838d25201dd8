// The human summary printed on stdout.
#pragma once

#include <string>

#include "reelcheck/fleet.hpp"
#include "reelcheck/report.hpp"

namespace reelcheck::cli {

std::string render_summary(const Report& report, const std::string& input_name);
// With include_secrets the text holds the chip's secrets: it wipes what it frees.
SecureString render_chip(const ChipRecord& chip, bool include_secrets);
std::string render_verdict(const CertificateVerdict& verdict);
std::string render_fleet(const FleetSummary& fleet);

} // namespace reelcheck::cli
