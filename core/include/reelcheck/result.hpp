// Errors as typed values: every fallible core function returns Result<T>. Nothing in the core
// throws across its public interface, so the Embind layer and the CLI can rely on that.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace reelcheck {

enum class ErrorCode {
  kWrongKey,         // the transport key does not decrypt the keys archive
  kPasswordRequired, // an encrypted archive and no transport key given
  kNotAnArchive,     // neither 7z nor zip, or not a bundle at all
  kCorrupt,          // structurally invalid archive or data
  kTruncated,        // input ends early
  kCrcMismatch,      // a stored CRC does not match the data
  kUnsupported,      // a valid but unsupported feature (compression method, zip64, ...)
  kLimitExceeded,    // a configured limit (size, count, dictionary, depth) would be exceeded
  kUnsafeName,       // an entry name with "..", an absolute path or a NUL byte
  kBadInput,         // anything else the user handed over that cannot be used
  kKeysNotEncrypted, // a key file that did not come out of an AES-encrypted, CRC-checked folder
  kDuplicateKeyFile, // a second PBS_keys.txt or auto_keys.txt in the keys archive
};

// Stable identifiers used in JSON and by the web page ("wrong_key", ...).
std::string_view error_code_name(ErrorCode code);

struct Error {
  ErrorCode code;
  std::string message; // for a person: what is wrong and where
};

template <class T> class [[nodiscard]] Result {
public:
  Result(T value) : state_(std::move(value)) {}
  Result(Error error) : state_(std::move(error)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(state_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(state_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(state_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const {
    assert(!ok());
    return std::get<1>(state_);
  }

private:
  std::variant<T, Error> state_;
};

inline Error make_error(ErrorCode code, std::string message) {
  return Error{code, std::move(message)};
}

} // namespace reelcheck
