// The one place where problem and finding codes get their names (reelcheck/codes.hpp).
#include "reelcheck/codes.hpp"

namespace reelcheck {
namespace {

// Reads a name back by trying every value: the lists are short and the names are written once.
template <class Code, std::size_t kCount>
std::optional<Code> parse_code(std::string_view name, std::string_view (*name_of)(Code)) {
  for (std::size_t i = 0; i < kCount; ++i) {
    const auto code = static_cast<Code>(i);
    if (name_of(code) == name) return code;
  }
  return std::nullopt;
}

} // namespace

std::string_view problem_code_name(ProblemCode code) {
  switch (code) {
  case ProblemCode::kSignatureInvalid: return "signature_invalid";
  case ProblemCode::kIssuerUntrusted: return "issuer_untrusted";
  case ProblemCode::kExpired: return "expired";
  case ProblemCode::kNotYetValid: return "not_yet_valid";
  case ProblemCode::kWrongKeyType: return "wrong_key_type";
  case ProblemCode::kWrongKeyUsage: return "wrong_key_usage";
  case ProblemCode::kWrongCaFamily: return "wrong_ca_family";
  case ProblemCode::kIsCa: return "is_ca";
  case ProblemCode::kNameMismatch: return "name_mismatch";
  case ProblemCode::kSharedPublicKey: return "shared_public_key";
  case ProblemCode::kUnparsable: return "unparsable";
  case ProblemCode::kSeveralCertificates: return "several_certificates";
  case ProblemCode::kPathLengthExceeded: return "path_length_exceeded";
  case ProblemCode::kProfileMismatch: return "profile_mismatch";
  case ProblemCode::kDuplicateCertificate: return "duplicate_certificate";
  case ProblemCode::kMissingCertificate: return "missing_certificate";
  case ProblemCode::kMissingSecret: return "missing_secret";
  case ProblemCode::kBadKeyLine: return "bad_key_line";
  case ProblemCode::kDuplicateChip: return "duplicate_chip";
  }
  return "";
}

std::string_view finding_code_name(FindingCode code) {
  switch (code) {
  case FindingCode::kSignatureInvalid: return "signature_invalid";
  case FindingCode::kIssuerUntrusted: return "issuer_untrusted";
  case FindingCode::kExpired: return "expired";
  case FindingCode::kNotYetValid: return "not_yet_valid";
  case FindingCode::kWrongKeyType: return "wrong_key_type";
  case FindingCode::kWrongKeyUsage: return "wrong_key_usage";
  case FindingCode::kWrongCaFamily: return "wrong_ca_family";
  case FindingCode::kIsCa: return "is_ca";
  case FindingCode::kNameMismatch: return "name_mismatch";
  case FindingCode::kSharedPublicKey: return "shared_public_key";
  case FindingCode::kUnparsable: return "unparsable";
  case FindingCode::kSeveralCertificates: return "several_certificates";
  case FindingCode::kPathLengthExceeded: return "path_length_exceeded";
  case FindingCode::kProfileMismatch: return "profile_mismatch";
  case FindingCode::kDuplicateCertificate: return "duplicate_certificate";
  case FindingCode::kMissingCertificate: return "missing_certificate";
  case FindingCode::kMissingSecret: return "missing_secret";
  case FindingCode::kBadKeyLine: return "bad_key_line";
  case FindingCode::kDuplicateChip: return "duplicate_chip";
  case FindingCode::kDuplicateInput: return "duplicate_input";
  case FindingCode::kIgnoredInput: return "ignored_input";
  case FindingCode::kStrayArchive: return "stray_archive";
  case FindingCode::kUnexpectedFile: return "unexpected_file";
  case FindingCode::kDuplicateArchive: return "duplicate_archive";
  case FindingCode::kDuplicateBundle: return "duplicate_bundle";
  case FindingCode::kMissingArchive: return "missing_archive";
  case FindingCode::kReelMismatch: return "reel_mismatch";
  case FindingCode::kMissingKeyFile: return "missing_key_file";
  case FindingCode::kHeaderLine: return "header_line";
  case FindingCode::kVerdictMissing: return "verdict_missing";
  case FindingCode::kVerdictUnexpected: return "verdict_unexpected";
  }
  return "";
}

std::optional<ProblemCode> parse_problem_code(std::string_view name) {
  if (name.empty()) return std::nullopt;
  return parse_code<ProblemCode, kProblemCodeCount>(name, problem_code_name);
}

std::optional<FindingCode> parse_finding_code(std::string_view name) {
  if (name.empty()) return std::nullopt;
  return parse_code<FindingCode, kFindingCodeCount>(name, finding_code_name);
}

FindingCode as_finding_code(ProblemCode code) {
  switch (code) {
  case ProblemCode::kSignatureInvalid: return FindingCode::kSignatureInvalid;
  case ProblemCode::kIssuerUntrusted: return FindingCode::kIssuerUntrusted;
  case ProblemCode::kExpired: return FindingCode::kExpired;
  case ProblemCode::kNotYetValid: return FindingCode::kNotYetValid;
  case ProblemCode::kWrongKeyType: return FindingCode::kWrongKeyType;
  case ProblemCode::kWrongKeyUsage: return FindingCode::kWrongKeyUsage;
  case ProblemCode::kWrongCaFamily: return FindingCode::kWrongCaFamily;
  case ProblemCode::kIsCa: return FindingCode::kIsCa;
  case ProblemCode::kNameMismatch: return FindingCode::kNameMismatch;
  case ProblemCode::kSharedPublicKey: return FindingCode::kSharedPublicKey;
  case ProblemCode::kUnparsable: return FindingCode::kUnparsable;
  case ProblemCode::kSeveralCertificates: return FindingCode::kSeveralCertificates;
  case ProblemCode::kPathLengthExceeded: return FindingCode::kPathLengthExceeded;
  case ProblemCode::kProfileMismatch: return FindingCode::kProfileMismatch;
  case ProblemCode::kDuplicateCertificate: return FindingCode::kDuplicateCertificate;
  case ProblemCode::kMissingCertificate: return FindingCode::kMissingCertificate;
  case ProblemCode::kMissingSecret: return FindingCode::kMissingSecret;
  case ProblemCode::kBadKeyLine: return FindingCode::kBadKeyLine;
  case ProblemCode::kDuplicateChip: return FindingCode::kDuplicateChip;
  }
  return FindingCode::kUnparsable; // not reached: every value is listed above
}

std::optional<ProblemCode> as_problem_code(FindingCode code) {
  for (std::size_t i = 0; i < kProblemCodeCount; ++i) {
    const auto problem = static_cast<ProblemCode>(i);
    if (as_finding_code(problem) == code) return problem;
  }
  return std::nullopt;
}

} // namespace reelcheck
