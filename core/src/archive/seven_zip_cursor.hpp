// Reading the 7z header's bytes: a bounds-checked cursor over the (complete, CRC-checked)
// header, 7z's variable-length numbers, bit vectors and CRC lists, and the error helpers the
// parts of the header parser share. Running out of bytes means the header lies about sizes,
// so every underrun is a corrupt archive, never a read past the end.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "archive/seven_zip_model.hpp"
#include "reelcheck/archive.hpp"
#include "util/bytes.hpp"

// Propagates the error of a Status/Result-returning call.
#define SZ_TRY(expr)                                                                               \
  do {                                                                                             \
    if (auto sz_try_status_ = (expr); !sz_try_status_) return sz_try_status_.error();              \
  } while (false)

namespace reelcheck::detail::sz {

Error corrupt(std::string what);
// "the archive lists N entries, more than the limit of M".
std::string limit_message(std::uint64_t count, std::uint32_t limit);

class Cursor {
public:
  explicit Cursor(ByteView data) : data_(data) {}

  std::size_t remaining() const { return data_.size() - pos_; }

  Result<std::uint8_t> byte() {
    if (pos_ >= data_.size()) return ends_early();
    return data_[pos_++];
  }

  // 7z's variable-length UINT64: the count of leading one bits in the first byte says how
  // many little-endian bytes follow; the rest of the first byte supplies the high bits.
  Result<std::uint64_t> number() {
    auto first = byte();
    if (!first) return first.error();
    std::uint64_t value = 0;
    std::uint8_t mask = 0x80;
    for (int i = 0; i < 8; ++i) {
      if ((*first & mask) == 0) {
        const std::uint64_t high = *first & (mask - 1u);
        return value | (high << (8 * i));
      }
      auto next = byte();
      if (!next) return next.error();
      value |= std::uint64_t{*next} << (8 * i);
      mask = static_cast<std::uint8_t>(mask >> 1);
    }
    return value;
  }

  // A count that sizes an allocation: at most `max`, and at most one item per byte left
  // (every item the counts describe takes at least a byte), so lies are caught up front.
  Result<std::uint64_t> count(std::string_view what, std::uint64_t max) {
    auto n = number();
    if (!n) return n.error();
    if (*n > max)
      return corrupt(std::string(what) + " count " + std::to_string(*n) + " is implausible");
    return *n;
  }

  Result<std::uint32_t> u32() {
    if (remaining() < 4) return ends_early();
    const std::uint32_t v = load_le32(data_.data() + pos_);
    pos_ += 4;
    return v;
  }

  Result<ByteView> bytes(std::uint64_t n) {
    if (n > remaining()) return ends_early();
    ByteView v = data_.subspan(pos_, static_cast<std::size_t>(n));
    pos_ += static_cast<std::size_t>(n);
    return v;
  }

private:
  static Error ends_early() { return corrupt("the archive header ends in the middle of a field"); }

  ByteView data_;
  std::size_t pos_ = 0;
};

// A bit vector as 7z stores it: MSB first, padded to whole bytes.
Result<std::vector<bool>> read_bits(Cursor& in, std::size_t n);

// A CRC list: an "all defined" byte (else a bit vector of the defined ones), then the CRCs.
Result<std::vector<std::optional<std::uint32_t>>> read_digests(Cursor& in, std::size_t n);

// The next property ID must be `id`; `where` names the structure for the message.
Status expect(Cursor& in, std::uint64_t id, std::string_view where);

} // namespace reelcheck::detail::sz
