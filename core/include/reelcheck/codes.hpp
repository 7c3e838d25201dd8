// The machine-readable codes of problems and findings. Each has exactly one stable name, the
// one reports (JSON, CSV), the page and scripts see; the enums keep a misspelt code from
// compiling. docs/errors.md explains every name.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace reelcheck {

// Why a certificate, or a chip, fails: the `problems` of a certificate verdict and the
// `reasons` of a chip record.
enum class ProblemCode {
  // Certificate checks.
  kSignatureInvalid,
  kIssuerUntrusted,
  kExpired,
  kNotYetValid,
  kWrongKeyType,
  kWrongKeyUsage,
  kWrongCaFamily,
  kIsCa,
  kNameMismatch,
  kSharedPublicKey,
  kUnparsable,
  kSeveralCertificates, // a certificate file holding more than one certificate
  kPathLengthExceeded,  // a CA's pathLenConstraint does not allow the path below it
  kProfileMismatch,     // under Infineon's CAs: keyUsage (critical) or basicConstraints missing
  // Chip checks across its certificates and secrets.
  kDuplicateCertificate,
  kMissingCertificate,
  kMissingSecret,
  // Key-file lines that make a chip's secret unusable (also findings).
  kBadKeyLine,
  kDuplicateChip, // keep last: kProblemCodeCount follows it
};
inline constexpr std::size_t kProblemCodeCount =
    static_cast<std::size_t>(ProblemCode::kDuplicateChip) + 1;

// What a finding is about. Every problem code is a finding code too, with the same name (a
// certificate's problem is also reported as a finding located at that certificate).
enum class FindingCode {
  // The problem codes, in the same order.
  kSignatureInvalid,
  kIssuerUntrusted,
  kExpired,
  kNotYetValid,
  kWrongKeyType,
  kWrongKeyUsage,
  kWrongCaFamily,
  kIsCa,
  kNameMismatch,
  kSharedPublicKey,
  kUnparsable,
  kSeveralCertificates,
  kPathLengthExceeded,
  kProfileMismatch,
  kDuplicateCertificate,
  kMissingCertificate,
  kMissingSecret,
  kBadKeyLine,
  kDuplicateChip,
  // Inputs and bundle layout.
  kDuplicateInput,
  kIgnoredInput,
  kStrayArchive,
  kUnexpectedFile,
  kDuplicateArchive,
  kDuplicateBundle,
  kMissingArchive,
  kReelMismatch,
  kMissingKeyFile,
  kHeaderLine,
  // Verdicts that did not come back as sent out (fail closed).
  kVerdictMissing,
  kVerdictUnexpected, // keep last: kFindingCodeCount follows it
};
inline constexpr std::size_t kFindingCodeCount =
    static_cast<std::size_t>(FindingCode::kVerdictUnexpected) + 1;

// The stable names ("issuer_untrusted"); "" only for a value outside the enum.
std::string_view problem_code_name(ProblemCode code);
std::string_view finding_code_name(FindingCode code);
// The reverse; nullopt for a name that is not a code (exact, case-sensitive match).
std::optional<ProblemCode> parse_problem_code(std::string_view name);
std::optional<FindingCode> parse_finding_code(std::string_view name);

// The finding code with the problem code's name.
FindingCode as_finding_code(ProblemCode code);
// The problem code with the finding code's name; nullopt for codes that only findings have.
std::optional<ProblemCode> as_problem_code(FindingCode code);

} // namespace reelcheck
