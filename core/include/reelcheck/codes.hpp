// The machine-readable codes of problems, findings and errors, in ONE table each: the
// enumerator, the stable name that reports (JSON, CSV), the page and scripts see, the severities
// a finding with it can have, and the words a person reads. Everything else is generated from
// these lists: the enums (a misspelt code does not compile), the names, the page's table
// (exported through wasm as codeTable()), and the check of docs/errors.md (the CodesDoc tests
// in tests/codes_test.cpp).
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace reelcheck {

enum class Severity { kError, kWarning, kInfo };
constexpr std::string_view severity_name(Severity s) {
  switch (s) {
  case Severity::kError: return "error";
  case Severity::kWarning: return "warning";
  case Severity::kInfo: return "info";
  }
  return "error";
}

// What a person reads for a severity.
constexpr std::string_view severity_words(Severity s) {
  switch (s) {
  case Severity::kError: return "Error";
  case Severity::kWarning: return "Warning";
  case Severity::kInfo: return "Note";
  }
  return "Error";
}
inline constexpr Severity kAllSeverities[] = {Severity::kError, Severity::kWarning, Severity::kInfo};

// The severities one code can be reported with: a set, because some codes are only a warning
// in one situation and an error in another (two identical copies of a reel vs two that differ).
enum class Severities : unsigned { kError = 1, kWarning = 2, kInfo = 4 };
constexpr Severities operator|(Severities a, Severities b) {
  return static_cast<Severities>(static_cast<unsigned>(a) | static_cast<unsigned>(b));
}
constexpr bool allows(Severities set, Severity s) {
  const unsigned bit = s == Severity::kError ? 1u : s == Severity::kWarning ? 2u : 4u;
  return (static_cast<unsigned>(set) & bit) != 0;
}

// X(Enumerator, "name", severities, "words for a person")
// Why a certificate, or a chip, fails: the `problems` of a certificate verdict and the `reasons`
// of a chip record. Each is a finding code too (a problem is also reported as a finding, always
// an error).
#define REELCHECK_PROBLEM_CODES(X)                                                               \
  /* Certificate checks. */                                                                      \
  X(SignatureInvalid, "signature_invalid", kError, "Signature does not verify")                  \
  X(IssuerUntrusted, "issuer_untrusted", kError, "Issuer not trusted")                           \
  X(Expired, "expired", kError, "Expired")                                                       \
  X(NotYetValid, "not_yet_valid", kError, "Not yet valid")                                       \
  X(WrongKeyType, "wrong_key_type", kError, "Wrong key type for the slot")                       \
  X(WrongKeyUsage, "wrong_key_usage", kError, "Key not allowed for signatures")                  \
  X(WrongCaFamily, "wrong_ca_family", kError, "Wrong CA for the slot")                           \
  X(IsCa, "is_ca", kError, "Device certificate marked as a CA")                                  \
  X(NameMismatch, "name_mismatch", kError, "File name does not match")                           \
  X(SharedPublicKey, "shared_public_key", kError, "Public key shared with another chip")         \
  X(Unparsable, "unparsable", kError, "Unreadable certificate")                                  \
  /* A certificate file holding more than one certificate. */                                    \
  X(SeveralCertificates, "several_certificates", kError, "Several certificates in one file")     \
  /* A CA's pathLenConstraint does not allow the path below it. */                               \
  X(PathLengthExceeded, "path_length_exceeded", kError, "CA path length exceeded")               \
  /* Under Infineon's CAs: keyUsage (critical) or basicConstraints missing. */                   \
  X(ProfileMismatch, "profile_mismatch", kError, "Not an Infineon device certificate profile")   \
  /* Chip checks across its certificates and secrets. */                                         \
  X(DuplicateCertificate, "duplicate_certificate", kError, "Two certificates for one slot")      \
  X(MissingCertificate, "missing_certificate", kError, "Certificate missing")                    \
  X(MissingSecret, "missing_secret", kError, "Secret missing")                                   \
  /* Key-file lines that make a chip's secret unusable (also findings). */                       \
  X(BadKeyLine, "bad_key_line", kError, "Unreadable key-file line")                              \
  X(DuplicateChip, "duplicate_chip", kError, "Chip listed twice in a key file")

// What only findings are about: the inputs, the bundle's layout, and verdicts that did not come
// back as sent out (fail closed).
#define REELCHECK_FINDING_ONLY_CODES(X)                                                          \
  X(DuplicateInput, "duplicate_input", kWarning, "File chosen twice")                            \
  X(IgnoredInput, "ignored_input", kWarning, "Not part of a bundle")                             \
  X(StrayArchive, "stray_archive", kWarning, "Archive without its reel")                         \
  X(UnexpectedFile, "unexpected_file", kWarning | Severities::kInfo, "Unexpected file")          \
  X(DuplicateArchive, "duplicate_archive", kError, "Second archive of one kind")                 \
  X(DuplicateBundle, "duplicate_bundle", kWarning | Severities::kError, "Two copies of one reel") \
  X(MissingArchive, "missing_archive", kError | Severities::kWarning, "Archive missing")         \
  X(ReelMismatch, "reel_mismatch", kError, "Archive of another reel")                            \
  X(MissingKeyFile, "missing_key_file", kError, "Key file missing")                              \
  X(HeaderLine, "header_line", kInfo, "Header line")                                             \
  X(VerdictMissing, "verdict_missing", kError, "Certificate not verified")                       \
  X(VerdictUnexpected, "verdict_unexpected", kError, "Unexpected verification answer")

// X(Enumerator, "name", "title", "what a person should read and do")
// Why a run stops without a report (Result<T>'s errors, reelcheck/result.hpp).
#define REELCHECK_ERROR_CODES(X)                                                                 \
  /* The transport key does not decrypt the keys archive. */                                     \
  X(WrongKey, "wrong_key", "Wrong transport key",                                                \
    "The transport key does not open this bundle's keys archive. Check the key on the reel's "   \
    "sealed letter (it is case-sensitive, and the letter must belong to this reel). Nothing was " \
    "decrypted and no chip data is shown.")                                                      \
  /* An encrypted archive and no transport key given. */                                         \
  X(PasswordRequired, "password_required", "Transport key needed",                               \
    "The keys archive of this bundle is encrypted. Enter the transport key from the reel's "      \
    "sealed letter and verify again.")                                                           \
  /* Neither 7z nor zip, or not a bundle at all. */                                              \
  X(NotAnArchive, "not_an_archive", "Not a Cloud ID bundle",                                     \
    "This file is not a Cloud ID bundle: expected the reel's bundle as a .7z or .zip archive, "  \
    "or its inner archives (\u2026_E0E0_Certs.7z, \u2026_E0E1_Certs.7z, \u2026_E0E2_Certs.7z, " \
    "\u2026_keys.7z).")                                                                          \
  /* Structurally invalid archive or data. */                                                    \
  X(Corrupt, "corrupt", "Damaged archive",                                                       \
    "An archive in the bundle is damaged and cannot be read. Download the bundle again from "    \
    "CIRRENT\u2122 Cloud ID.")                                                                   \
  /* The input ends early. */                                                                    \
  X(Truncated, "truncated", "Incomplete file",                                                   \
    "The bundle ends early \u2014 the download was probably cut off. Download it again from "    \
    "CIRRENT\u2122 Cloud ID.")                                                                   \
  /* A stored CRC does not match the data. */                                                    \
  X(CrcMismatch, "crc_mismatch", "Damaged archive",                                              \
    "A file inside the bundle does not match its checksum, so the archive is damaged. Download " \
    "the bundle again.")                                                                         \
  /* A valid but unsupported feature (compression method, zip64, ...). */                        \
  X(Unsupported, "unsupported", "Unsupported archive feature",                                   \
    "The bundle uses an archive feature Reelcheck does not support.")                            \
  /* A configured limit (size, count, dictionary, depth) would be exceeded. */                   \
  X(LimitExceeded, "limit_exceeded", "Bundle too large",                                         \
    "The bundle exceeds the safety limits for size or number of files (this protects against "   \
    "archive bombs), or this browser tab ran out of memory.")                                    \
  /* An entry name with "..", an absolute path or a NUL byte. */                                 \
  X(UnsafeName, "unsafe_name", "Unsafe file name in the bundle",                                 \
    "An archive in the bundle contains a file name that tries to escape its folder. The bundle " \
    "was rejected.")                                                                             \
  /* Anything else the user handed over that cannot be used (a check time too). */              \
  X(BadInput, "bad_input", "Cannot use this input", "The input could not be used.")              \
  /* A key file that did not come out of an AES-encrypted, CRC-checked folder. */                \
  X(KeysNotEncrypted, "keys_not_encrypted", "Key files not protected by the transport key",      \
    "The chips' secrets (PBS_keys.txt, auto_keys.txt) must come out of the keys archive "        \
    "encrypted with the reel's transport key. Here they do not, so nothing shows they came from " \
    "Infineon: the bundle may have been tampered with. Nothing was verified and no chip data is " \
    "shown. Download the bundle again from CIRRENT\u2122 Cloud ID.")                             \
  /* A second PBS_keys.txt or auto_keys.txt in the keys archive. */                              \
  X(DuplicateKeyFile, "duplicate_key_file", "Two sets of key files",                             \
    "The keys archive holds a second PBS_keys.txt or auto_keys.txt. Which one is genuine cannot " \
    "be told, so neither is used: nothing was verified and no chip data is shown. Download the " \
    "bundle again from CIRRENT\u2122 Cloud ID.")

#define REELCHECK_ENUMERATOR(e, ...) k##e,
enum class ProblemCode { REELCHECK_PROBLEM_CODES(REELCHECK_ENUMERATOR) };
// Every problem code is a finding code with the same name, in the same place (as_finding_code
// relies on it), followed by the codes only findings have.
enum class FindingCode {
  REELCHECK_PROBLEM_CODES(REELCHECK_ENUMERATOR) REELCHECK_FINDING_ONLY_CODES(REELCHECK_ENUMERATOR)
};
enum class ErrorCode { REELCHECK_ERROR_CODES(REELCHECK_ENUMERATOR) };
#undef REELCHECK_ENUMERATOR

#define REELCHECK_COUNT(...) +1
inline constexpr std::size_t kProblemCodeCount = 0 REELCHECK_PROBLEM_CODES(REELCHECK_COUNT);
inline constexpr std::size_t kFindingCodeCount =
    kProblemCodeCount + 0 REELCHECK_FINDING_ONLY_CODES(REELCHECK_COUNT);
inline constexpr std::size_t kErrorCodeCount = 0 REELCHECK_ERROR_CODES(REELCHECK_COUNT);
#undef REELCHECK_COUNT

// One row of the finding table (problem codes included: they are findings too).
struct FindingCodeInfo {
  FindingCode code;
  std::string_view name;
  Severities severities;
  std::string_view words; // a few words for a person: a table column, a list heading
  bool problem;           // also a problem code (a certificate's or chip's reason)
};
struct ErrorCodeInfo {
  ErrorCode code;
  std::string_view name;
  std::string_view title; // one line: what stopped the run
  std::string_view text;  // what it means and what to do
};

#define REELCHECK_PROBLEM_ROW(e, name, sev, words)                                               \
  FindingCodeInfo{FindingCode::k##e, name, Severities::sev, words, true},
#define REELCHECK_FINDING_ROW(e, name, sev, words)                                               \
  FindingCodeInfo{FindingCode::k##e, name, Severities::sev, words, false},
#define REELCHECK_ERROR_ROW(e, name, title, text) ErrorCodeInfo{ErrorCode::k##e, name, title, text},
inline constexpr std::array<FindingCodeInfo, kFindingCodeCount> kFindingCodes{
    {REELCHECK_PROBLEM_CODES(REELCHECK_PROBLEM_ROW)
         REELCHECK_FINDING_ONLY_CODES(REELCHECK_FINDING_ROW)}};
inline constexpr std::array<ErrorCodeInfo, kErrorCodeCount> kErrorCodes{
    {REELCHECK_ERROR_CODES(REELCHECK_ERROR_ROW)}};
#undef REELCHECK_PROBLEM_ROW
#undef REELCHECK_FINDING_ROW
#undef REELCHECK_ERROR_ROW

// The rows are in enum order: a code's row is at its value (checked at compile time).
constexpr bool rows_in_enum_order() {
  for (std::size_t i = 0; i < kFindingCodes.size(); ++i)
    if (static_cast<std::size_t>(kFindingCodes[i].code) != i) return false;
  for (std::size_t i = 0; i < kErrorCodes.size(); ++i)
    if (static_cast<std::size_t>(kErrorCodes[i].code) != i) return false;
  return true;
}
static_assert(rows_in_enum_order());

// The row of a code; nullptr only for a value outside the enum.
constexpr const FindingCodeInfo* finding_code_info(FindingCode code) {
  const auto i = static_cast<std::size_t>(code);
  return i < kFindingCodes.size() ? &kFindingCodes[i] : nullptr;
}
constexpr const ErrorCodeInfo* error_code_info(ErrorCode code) {
  const auto i = static_cast<std::size_t>(code);
  return i < kErrorCodes.size() ? &kErrorCodes[i] : nullptr;
}

// The finding code with the problem code's name.
constexpr FindingCode as_finding_code(ProblemCode code) {
  return static_cast<FindingCode>(static_cast<std::size_t>(code));
}
// The problem code with the finding code's name; nullopt for codes that only findings have.
constexpr std::optional<ProblemCode> as_problem_code(FindingCode code) {
  const auto i = static_cast<std::size_t>(code);
  if (i >= kProblemCodeCount) return std::nullopt;
  return static_cast<ProblemCode>(i);
}

// The stable names ("issuer_untrusted"); "" only for a value outside the enum.
constexpr std::string_view finding_code_name(FindingCode code) {
  const FindingCodeInfo* row = finding_code_info(code);
  return row ? row->name : std::string_view{};
}
constexpr std::string_view problem_code_name(ProblemCode code) {
  return static_cast<std::size_t>(code) < kProblemCodeCount
             ? finding_code_name(as_finding_code(code))
             : std::string_view{};
}
// "wrong_key", ...; "unknown" only for a value outside the enum.
constexpr std::string_view error_code_name(ErrorCode code) {
  const ErrorCodeInfo* row = error_code_info(code);
  return row ? row->name : std::string_view("unknown");
}

// The reverse; nullopt for a name that is not a code (exact, case-sensitive match).
std::optional<ProblemCode> parse_problem_code(std::string_view name);
std::optional<FindingCode> parse_finding_code(std::string_view name);
std::optional<ErrorCode> parse_error_code(std::string_view name);

} // namespace reelcheck
