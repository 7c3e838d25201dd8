#include "reelcheck/result.hpp"

namespace reelcheck {

std::string_view error_code_name(ErrorCode code) {
  switch (code) {
  case ErrorCode::kWrongKey: return "wrong_key";
  case ErrorCode::kPasswordRequired: return "password_required";
  case ErrorCode::kNotAnArchive: return "not_an_archive";
  case ErrorCode::kCorrupt: return "corrupt";
  case ErrorCode::kTruncated: return "truncated";
  case ErrorCode::kCrcMismatch: return "crc_mismatch";
  case ErrorCode::kUnsupported: return "unsupported";
  case ErrorCode::kLimitExceeded: return "limit_exceeded";
  case ErrorCode::kUnsafeName: return "unsafe_name";
  case ErrorCode::kBadInput: return "bad_input";
  case ErrorCode::kKeysNotEncrypted: return "keys_not_encrypted";
  case ErrorCode::kDuplicateKeyFile: return "duplicate_key_file";
  }
  return "unknown";
}

} // namespace reelcheck
