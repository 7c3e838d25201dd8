#include <algorithm>

#include <nlohmann/json.hpp>

#include "reelcheck/chip_id.hpp"
#include "reelcheck/lookup.hpp"
#include "util/base64.hpp"
#include "util/hex.hpp"
#include "crypto/sha256.hpp"
#include "util/text.hpp"

namespace reelcheck {
namespace {

// A data object of the Trust M holds at most 1,728 bytes; anything much longer is not a
// certificate read from a chip (and a scanner's line may hold anything).
constexpr std::size_t kMaxStationCertificateBytes = 4096;
constexpr std::size_t kMaxStationCertificateText = 2 * kMaxStationCertificateBytes + 2;
// The TLS identity header: 0xC0, 2-byte length, 3-byte list length, 3-byte certificate length.
constexpr std::uint8_t kTlsIdentityTag = 0xC0;
constexpr std::size_t kTlsIdentityHeaderSize = 9;
constexpr std::uint8_t kDerSequenceTag = 0x30;

std::string lookup_json_string(std::string_view s) {
  return nlohmann::json(std::string(s))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Error station_certificate_error(const std::string& what) {
  return make_error(ErrorCode::kBadInput, "the certificate read from the chip " + what);
}

std::string byte_hex(std::uint8_t b) {
  return "0x" + detail::to_hex(std::span(&b, 1), true);
}

std::size_t big_endian(std::span<const std::uint8_t> bytes) {
  std::size_t v = 0;
  for (std::uint8_t b : bytes)
    v = v << 8 | b;
  return v;
}

// The outer SEQUENCE of a DER certificate must span exactly `der`: nothing cut off, nothing
// after it, its length in DER's shortest form. What is wrong, or nullopt.
std::optional<std::string> der_certificate_problem(std::span<const std::uint8_t> der) {
  if (der.size() < 2)
    return "is " + std::to_string(der.size()) + " byte(s), too short for a DER certificate";
  if (der[0] != kDerSequenceTag)
    return "does not start with a DER SEQUENCE (0x30) but with " + byte_hex(der[0]);
  std::size_t header = 2, length = der[1];
  if (der[1] == 0x80) return "has an indefinite length, which DER does not allow";
  if (der[1] > 0x80) {
    const std::size_t n = der[1] & 0x7f;
    if (n > 3) return "has a DER length of " + std::to_string(n) + " bytes: far too long";
    if (der.size() < 2 + n) return "is cut off inside its DER length";
    length = big_endian(der.subspan(2, n));
    if ((n > 1 && der[2] == 0) || (n == 1 && length < 0x80))
      return "has a DER length that is not in its shortest form (BER, not DER)";
    header = 2 + n;
  }
  if (header + length != der.size())
    return "has a DER length of " + std::to_string(header + length) + " bytes, but " +
           std::to_string(der.size()) + " bytes were given";
  return std::nullopt;
}

bool all_hex_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return detail::hex_digit_value(c) >= 0; });
}

LookupAnswer malformed_chip(std::string_view query) {
  LookupAnswer answer;
  // A line read from a scanner may hold anything: keep what is echoed back short.
  answer.query = std::string(query.substr(0, 200));
  answer.outcome = LookupOutcome::kMalformed;
  answer.message = "not a chip ID (20 hex digits) or a coprocessor UID (27 bytes, 54 hex "
                   "digits, from data object 0xE0C2)";
  return answer;
}

} // namespace

Result<std::vector<std::uint8_t>> parse_station_certificate(std::string_view text) {
  text = detail::trim_ascii_space(text);
  if (text.empty()) return station_certificate_error("is empty");
  if (text.size() > kMaxStationCertificateText)
    return station_certificate_error("is " + std::to_string(text.size()) +
                                     " characters long, more than any data object holds");
  // Hex or base64? A certificate's base64 starts with 'M' (DER, 0x30) or 'w' (0xC0), neither a
  // hex digit, so text made only of hex digits is hex.
  std::vector<std::uint8_t> bytes;
  const bool prefixed = text.starts_with("0x") || text.starts_with("0X");
  const std::string_view digits = prefixed ? text.substr(2) : text;
  if (prefixed || all_hex_digits(digits)) {
    if (!all_hex_digits(digits))
      return station_certificate_error("starts with 0x but is not all hex digits after it");
    if (digits.size() % 2 != 0)
      return station_certificate_error("has an odd number of hex digits (" +
                                       std::to_string(digits.size()) + ")");
    const auto decoded = detail::decode_hex(digits);
    if (!decoded) return station_certificate_error("is not valid hex");
    bytes.assign(decoded->begin(), decoded->end());
  } else {
    auto decoded = detail::decode_base64(text, false);
    if (!decoded)
      return station_certificate_error(
          "is neither hex nor base64 (standard alphabet, '=' padding, one field without spaces)");
    bytes = std::move(*decoded);
  }
  if (bytes.empty()) return station_certificate_error("is empty");
  // The limit is on the bytes, whatever the spelling: the text's limit lets base64 (4 symbols
  // for 3 bytes) carry half as much again as hex, and the same bytes must get the same answer.
  if (bytes.size() > kMaxStationCertificateBytes)
    return station_certificate_error("is " + std::to_string(bytes.size()) +
                                     " bytes long, more than any data object holds");

  std::span<const std::uint8_t> der(bytes);
  if (bytes[0] == kTlsIdentityTag) {
    // The TLS identity as the chip stores it: every length is checked against what follows,
    // so a truncated or padded read is refused rather than compared.
    const std::size_t size = bytes.size();
    if (size < kTlsIdentityHeaderSize)
      return station_certificate_error("starts with a TLS identity header (0xC0) but is only " +
                                       std::to_string(size) + " bytes: the header alone is 9");
    const std::span<const std::uint8_t> all(bytes);
    const struct {
      std::size_t offset, width;
      const char* what;
    } fields[] = {
        {1, 2, "length"}, {3, 3, "certificate list length"}, {6, 3, "certificate length"}};
    for (const auto& f : fields) {
      const std::size_t said = big_endian(all.subspan(f.offset, f.width));
      const std::size_t follow = size - f.offset - f.width;
      if (said != follow)
        return station_certificate_error(
            "has a TLS identity header (0xC0) whose " + std::string(f.what) + " says " +
            std::to_string(said) + " bytes, but " + std::to_string(follow) + " bytes follow it");
    }
    der = all.subspan(kTlsIdentityHeaderSize);
    if (der.empty()) return station_certificate_error("is a TLS identity without a certificate");
  } else if (bytes[0] != kDerSequenceTag) {
    return station_certificate_error("starts with " + byte_hex(bytes[0]) +
                                     ": neither a DER certificate (0x30) nor a TLS identity "
                                     "header (0xC0)");
  }
  if (auto problem = der_certificate_problem(der)) return station_certificate_error(*problem);
  return std::vector<std::uint8_t>(der.begin(), der.end());
}

LookupAnswer look_up_chip(const Report& report, std::string_view line, Slot slot) {
  line = detail::trim_ascii_space(line);
  if (parse_chip_lookup(line)) return look_up_chip(report, line, std::nullopt, slot);
  // The certificate is the last field; failing that, everything after the first field (a
  // certificate with spaces in it then gets its own message rather than "not a chip ID").
  for (const auto sep : {line.find_last_of(" \t,"), line.find_first_of(" \t,")}) {
    if (sep == std::string_view::npos) break;
    std::string_view chip = detail::trim_ascii_space(line.substr(0, sep));
    while (!chip.empty() && (chip.back() == ',' || detail::is_ascii_space(chip.back())))
      chip.remove_suffix(1);
    const std::string_view certificate = detail::trim_ascii_space(line.substr(sep + 1));
    if (!certificate.empty() && parse_chip_lookup(chip))
      return look_up_chip(report, chip, certificate, slot);
  }
  return malformed_chip(line);
}

LookupAnswer look_up_chip(const Report& report, std::string_view chip_query,
                          std::optional<std::string_view> certificate, Slot slot) {
  chip_query = detail::trim_ascii_space(chip_query);
  const auto id = parse_chip_lookup(chip_query);
  if (!id) return malformed_chip(chip_query);
  LookupAnswer answer;
  answer.query = std::string(chip_query.substr(0, 200));
  answer.chip_id = id->hex();

  std::optional<std::vector<std::uint8_t>> presented;
  if (certificate) {
    auto parsed = parse_station_certificate(*certificate);
    if (!parsed) {
      answer.outcome = LookupOutcome::kMalformed;
      answer.message =
          "chip " + answer.chip_id + ": " + parsed.error().message + "; nothing is released";
      return answer;
    }
    presented = std::move(*parsed);
  }

  answer.chip = report.find_chip(answer.chip_id);
  if (answer.chip == nullptr) {
    answer.outcome = LookupOutcome::kNotInReel;
    answer.message = "chip " + answer.chip_id + " is not in reel " + report.reel_id;
    return answer;
  }
  const std::string status(chip_status_name(answer.chip->status));
  if (!presented) {
    answer.outcome = LookupOutcome::kFound;
    answer.message = "chip " + answer.chip_id + ": " + status;
    return answer;
  }

  answer.certificate_checked = true;
  answer.certificate_slot = slot;
  const std::string slot_text(slot_name(slot));
  const auto& bundle = answer.chip->certificates[static_cast<std::size_t>(slot)];
  // Fail closed: without the bundle's certificate there is nothing the chip's could match.
  if (!bundle || !bundle->parsed || bundle->fingerprint_sha256.empty()) {
    answer.outcome = LookupOutcome::kCertificateMismatch;
    answer.message = "chip " + answer.chip_id + ": the bundle holds no " +
                     (bundle ? "readable " : "") + slot_text +
                     " certificate to compare the chip's with; no secret is released";
    return answer;
  }
  // The report keeps the SHA-256 of each certificate's DER (fingerprint_sha256), not the
  // certificates: equal SHA-256 digests of two DER encodings mean the same bytes (a collision
  // is out of reach), so this is the byte-for-byte comparison without keeping 12,000
  // certificates around for the station. The presented DER was checked to be exactly one
  // certificate, so no trailing bytes can hide behind a matching prefix.
  detail::Sha256 sha;
  sha.update(*presented);
  const std::string digest = detail::to_hex(sha.finish());
  if (digest != bundle->fingerprint_sha256) {
    answer.outcome = LookupOutcome::kCertificateMismatch;
    answer.message = "chip " + answer.chip_id + ": the " + slot_text +
                     " certificate read from the chip (SHA-256 " + digest.substr(0, 16) +
                     "…) is not the bundle's (" + bundle->fingerprint_sha256.substr(0, 16) +
                     "…): another chip, or a changed certificate; no secret is released";
    return answer;
  }
  answer.outcome = LookupOutcome::kFound;
  answer.message = "chip " + answer.chip_id + ": " + status + "; its " + slot_text +
                   " certificate is the bundle's";
  return answer;
}

SecureString lookup_answer_to_json_line(const LookupAnswer& answer, bool include_secrets) {
  // The rule lives here, not in the front ends: a mismatch never carries a secret value.
  const bool secrets = include_secrets && answer.may_release_secrets();
  SecureString chip =
      answer.chip != nullptr ? chip_to_json_line(*answer.chip, secrets) : SecureString{};
  SecureString line = secure_text(chip.size() + 512);
  line += "{\"query\":" + lookup_json_string(answer.query) + ",\"answer\":\"" +
          std::string(lookup_outcome_name(answer.outcome)) +
          "\",\"chip_id\":" + lookup_json_string(answer.chip_id) +
          ",\"certificate_checked\":" + (answer.certificate_checked ? "true" : "false") +
          ",\"message\":" + lookup_json_string(answer.message);
  if (answer.chip != nullptr) {
    line += ",\"chip\":";
    line += chip;
  }
  line += "}";
  return line;
}

} // namespace reelcheck
