// The byte layout shared by the worker wire formats: little-endian u32 counts and lengths,
// strings as length + bytes. The reader is bounded and sticky: the first read past the end (or
// any value the caller rejects) fails it, and every later read fails too, so a decoder checks
// once at the end instead of after every field and can never read outside its input.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace reelcheck::wasm::wire {

class WireWriter {
public:
  void u8(std::uint8_t v) { out_.push_back(v); }
  void u32(std::uint32_t v) {
    for (int i = 0; i < 4; ++i)
      out_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  void str(std::string_view s) {
    u32(static_cast<std::uint32_t>(s.size()));
    bytes(std::span(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
  }
  void bytes(std::span<const std::uint8_t> b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void bytes_with_length(std::span<const std::uint8_t> b) {
    u32(static_cast<std::uint32_t>(b.size()));
    bytes(b);
  }
  void i64(std::int64_t v) {
    const auto u = static_cast<std::uint64_t>(v);
    u32(static_cast<std::uint32_t>(u));
    u32(static_cast<std::uint32_t>(u >> 32));
  }
  void reserve(std::size_t n) { out_.reserve(n); }
  std::vector<std::uint8_t> take() && { return std::move(out_); }

private:
  std::vector<std::uint8_t> out_;
};

class WireReader {
public:
  explicit WireReader(std::span<const std::uint8_t> in) : in_(in) {}

  bool good() const { return good_; }
  bool at_end() const { return good_ && pos_ == in_.size(); }
  std::size_t remaining() const { return good_ ? in_.size() - pos_ : 0; }
  void fail() { good_ = false; }

  std::uint8_t u8() {
    if (!take(1)) return 0;
    return in_[pos_ - 1];
  }
  std::uint32_t u32() {
    if (!take(4)) return 0;
    const std::uint8_t* p = in_.data() + pos_ - 4;
    return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
           static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
  }
  // A count of records that each take at least `min_record` bytes: anything the rest of the
  // input cannot hold fails here, before a caller reserves memory for it.
  std::uint32_t count(std::size_t min_record) {
    const std::uint32_t n = u32();
    if (good_ && min_record != 0 && n > remaining() / min_record) good_ = false;
    return good_ ? n : 0;
  }
  std::string str() {
    const std::uint32_t n = u32();
    if (!take(n)) return {};
    return std::string(reinterpret_cast<const char*>(in_.data() + pos_ - n), n);
  }
  std::span<const std::uint8_t> bytes() {
    const std::uint32_t n = u32();
    if (!take(n)) return {};
    return in_.subspan(pos_ - n, n);
  }
  std::int64_t i64() {
    const std::uint64_t low = u32();
    const std::uint64_t high = u32();
    return static_cast<std::int64_t>(low | high << 32);
  }
  // Everything not read yet (a message nested in this one); the reader is at its end after.
  std::span<const std::uint8_t> rest() {
    if (!good_) return {};
    const auto out = in_.subspan(pos_);
    pos_ = in_.size();
    return out;
  }
  // The 4-byte tag that opens every message (format and version).
  bool tag(std::string_view expected) {
    if (!take(expected.size())) return false;
    if (std::memcmp(in_.data() + pos_ - expected.size(), expected.data(), expected.size()) != 0)
      good_ = false;
    return good_;
  }

private:
  bool take(std::size_t n) {
    if (!good_ || n > in_.size() - pos_) {
      good_ = false;
      return false;
    }
    pos_ += n;
    return true;
  }

  std::span<const std::uint8_t> in_;
  std::size_t pos_ = 0;
  bool good_ = true;
};

} // namespace reelcheck::wasm::wire
