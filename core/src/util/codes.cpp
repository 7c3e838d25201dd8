// Reading code names back (reelcheck/codes.hpp holds the table; nothing is listed here).
#include "reelcheck/codes.hpp"

namespace reelcheck {

std::optional<FindingCode> parse_finding_code(std::string_view name) {
  if (name.empty()) return std::nullopt;
  for (const auto& row : kFindingCodes)
    if (row.name == name) return row.code;
  return std::nullopt;
}

std::optional<ProblemCode> parse_problem_code(std::string_view name) {
  const auto code = parse_finding_code(name);
  return code ? as_problem_code(*code) : std::nullopt;
}

std::optional<ErrorCode> parse_error_code(std::string_view name) {
  for (const auto& row : kErrorCodes)
    if (row.name == name) return row.code;
  return std::nullopt;
}

} // namespace reelcheck
