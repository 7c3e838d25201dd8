// Errors as typed values: every fallible core function returns Result<T>. Nothing in the core
// throws across its public interface, so the Embind layer and the CLI can rely on that.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "reelcheck/codes.hpp"

namespace reelcheck {

// ErrorCode, its names and the words a person reads: reelcheck/codes.hpp (one table).

struct Error {
  ErrorCode code;
  std::string message; // for a person: what is wrong and where

  Error(ErrorCode c, std::string m) noexcept : code(c), message(std::move(m)) {}
  // Out of line (util/error.cpp): an error is copied and destroyed on its way up through each
  // caller, and inline every `return x.error();` put a string copy and a free into the function.
  // In the page's wasm that code is compiled again by V8's optimising tier whenever the function
  // gets hot, on the same two cores as the run; errors are rare, so calls cost nothing.
  [[gnu::noinline]] Error(const Error& other);
  [[gnu::noinline]] Error(Error&& other) noexcept;
  [[gnu::noinline]] Error& operator=(const Error& other);
  [[gnu::noinline]] Error& operator=(Error&& other) noexcept;
  [[gnu::noinline]] ~Error();
};

template <class T> class [[nodiscard]] Result {
public:
  Result(T value) : state_(std::move(value)) {}
  Result(Error error) : state_(std::move(error)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return *std::get_if<0>(&state_); // checked above, not again with a throwing path
  }
  const T& value() const& {
    assert(ok());
    return *std::get_if<0>(&state_);
  }
  T&& value() && {
    assert(ok());
    return std::move(*std::get_if<0>(&state_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const {
    assert(!ok());
    return *std::get_if<1>(&state_);
  }

private:
  std::variant<T, Error> state_;
};

inline Error make_error(ErrorCode code, std::string message) {
  return Error{code, std::move(message)};
}

} // namespace reelcheck
