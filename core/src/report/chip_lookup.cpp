#include <nlohmann/json.hpp>

#include "reelcheck/chip_id.hpp"
#include "reelcheck/lookup.hpp"
#include "util/text.hpp"

namespace reelcheck {
namespace {

std::string json_string(std::string_view s) {
  return nlohmann::json(std::string(s))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace

std::string_view lookup_outcome_name(LookupOutcome outcome) {
  switch (outcome) {
  case LookupOutcome::kFound: return "found";
  case LookupOutcome::kNotInReel: return "not_in_reel";
  case LookupOutcome::kMalformed: return "malformed";
  }
  return "malformed";
}

LookupAnswer look_up_chip(const Report& report, std::string_view query) {
  LookupAnswer answer;
  query = detail::trim_ascii_space(query);
  // A line read from a scanner may hold anything: keep what is echoed back short.
  answer.query = std::string(query.substr(0, 200));
  const auto id = parse_chip_lookup(query);
  if (!id) {
    answer.outcome = LookupOutcome::kMalformed;
    answer.message = "not a chip ID (20 hex digits) or a coprocessor UID (27 bytes, 54 hex "
                     "digits, from data object 0xE0C2)";
    return answer;
  }
  answer.chip_id = id->hex();
  answer.chip = report.find_chip(answer.chip_id);
  if (answer.chip == nullptr) {
    answer.outcome = LookupOutcome::kNotInReel;
    answer.message = "chip " + answer.chip_id + " is not in reel " + report.reel_id;
    return answer;
  }
  answer.outcome = LookupOutcome::kFound;
  answer.message =
      "chip " + answer.chip_id + ": " + std::string(chip_status_name(answer.chip->status));
  return answer;
}

SecureString lookup_answer_to_json_line(const LookupAnswer& answer, bool include_secrets) {
  SecureString chip =
      answer.chip != nullptr ? chip_to_json_line(*answer.chip, include_secrets) : SecureString{};
  SecureString line = secure_text(chip.size() + 512);
  line += "{\"query\":" + json_string(answer.query) + ",\"answer\":\"" +
          std::string(lookup_outcome_name(answer.outcome)) +
          "\",\"chip_id\":" + json_string(answer.chip_id) +
          ",\"message\":" + json_string(answer.message);
  if (answer.chip != nullptr) {
    line += ",\"chip\":";
    line += chip;
  }
  line += "}";
  return line;
}

} // namespace reelcheck
