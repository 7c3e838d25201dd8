// The human summary printed on stdout.
#pragma once

#include <string>

#include "reelcheck/fleet.hpp"
#include "reelcheck/report.hpp"

namespace reelcheck::cli {

std::string render_summary(const Report& report, const std::string& input_name);
std::string render_chip(const ChipRecord& chip, bool include_secrets);
std::string render_verdict(const CertificateVerdict& verdict);
std::string render_fleet(const FleetSummary& fleet);

} // namespace reelcheck::cli
