// What every Embind file shares: results as {ok:true, ...} or {ok:false, error:{code, message}},
// nothing thrown into JavaScript, and bytes copied once between JS and the core's buffers.
#pragma once

#include <emscripten/val.h>

#include <cstdint>
#include <exception>
#include <new>
#include <string>
#include <string_view>

#include "reelcheck/result.hpp"
#include "reelcheck/trust.hpp"

namespace reelcheck::wasm {

using emscripten::val;

inline val error_value(std::string_view code, const std::string& message) {
  val error = val::object();
  error.set("code", std::string(code));
  error.set("message", message);
  val out = val::object();
  out.set("ok", false);
  out.set("error", error);
  return out;
}

inline val error_value(const Error& e) {
  return error_value(error_code_name(e.code), e.message);
}

inline val bad_input(const std::string& message) {
  return error_value(error_code_name(ErrorCode::kBadInput), message);
}

inline val ok_value() {
  val out = val::object();
  out.set("ok", true);
  return out;
}

// Runs f(); turns anything thrown (out of memory, a bug) into an error value.
template <class F> val guarded(F&& f) {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return error_value(error_code_name(ErrorCode::kLimitExceeded),
                       "Not enough memory in this browser tab to hold the bundle.");
  } catch (const std::exception& e) {
    return error_value("internal", std::string("Internal error: ") + e.what());
  } catch (...) {
    return error_value("internal", "Internal error.");
  }
}

// Copies a JS Uint8Array (or ArrayBuffer view) into `out` with a single copy: the C++ buffer is
// sized first, then the bytes are set into a view of it.
template <class Buffer> void copy_from_js(const val& bytes, Buffer& out) {
  const auto size = bytes["length"].as<std::size_t>();
  out.resize(size);
  if (size == 0) return;
  val view(emscripten::typed_memory_view(size, out.data()));
  view.call<void>("set", bytes);
}

// new Uint8Array(view) copies, so the result survives memory growth and can be transferred.
inline val copy_to_js(const std::uint8_t* data, std::size_t size) {
  return val::global("Uint8Array").new_(emscripten::typed_memory_view(size, data));
}

inline val bad_check_time(const std::string& iso) {
  return bad_input("The check time \"" + iso +
                   "\" is not an ISO 8601 UTC time like 2026-06-01T00:00:00Z.");
}

// The session (for the report's trust-anchor list) and each verifier hold the same store.
inline TrustStore make_store(bool use_defaults) {
  return use_defaults ? TrustStore::infineon_default() : TrustStore::empty();
}

inline val add_anchor(TrustStore& store, const std::string& source, const val& bytes) {
  return guarded([&] {
    std::vector<std::uint8_t> pem;
    copy_from_js(bytes, pem);
    auto added = store.add(ByteView(pem.data(), pem.size()), source);
    if (!added) return error_value(added.error());
    val out = ok_value();
    out.set("added", static_cast<double>(*added));
    return out;
  });
}

} // namespace reelcheck::wasm
