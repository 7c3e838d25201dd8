// The coder methods a 7z folder may name (DOC/Methods.txt): what Reelcheck can decode, and a
// human name for everything else so "not supported" errors say which method it was.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "archive/seven_zip_model.hpp"

namespace reelcheck::detail::sz {

enum class MethodKind {
  kCopy,
  kLzma,
  kLzma2,
  kAes, // 7zAES: AES-256-CBC, key from SHA-256 over salt + UTF-16LE password
  kDelta,
  kBranch, // executable filters (BCJ x86, ARM64, ...): in place, same size in and out
  kUnsupported,
};

struct Method {
  MethodKind kind = MethodKind::kUnsupported;
  std::string name; // "LZMA2", "PPMd", or "0x040108" when unknown
};

Method describe_method(std::uint64_t id);

// Applies a branch or delta filter in place. Props were validated by check_filter_props.
void apply_filter(std::uint64_t id, ByteView props, std::span<std::uint8_t> data);

// Errors: kUnsupported when the filter's properties ask for something we cannot do.
Status check_filter_props(std::uint64_t id, ByteView props, std::string_view name);

} // namespace reelcheck::detail::sz
