#include "archive/seven_zip_cursor.hpp"

namespace reelcheck::detail::sz {

Error corrupt(std::string what) {
  return make_error(ErrorCode::kCorrupt, std::move(what));
}

std::string limit_message(std::uint64_t count, std::uint32_t limit) {
  return "the archive lists " + std::to_string(count) + " entries, more than the limit of " +
         std::to_string(limit);
}

Result<std::vector<bool>> read_bits(Cursor& in, std::size_t n) {
  const std::size_t num_bytes = n / 8 + (n % 8 != 0);
  auto raw = in.bytes(num_bytes);
  if (!raw) return raw.error();
  std::vector<bool> bits(n);
  for (std::size_t i = 0; i < n; ++i)
    bits[i] = ((*raw)[i / 8] >> (7 - i % 8)) & 1;
  return bits;
}

Result<std::vector<std::optional<std::uint32_t>>> read_digests(Cursor& in, std::size_t n) {
  auto all_defined = in.byte();
  if (!all_defined) return all_defined.error();
  std::vector<bool> defined;
  if (*all_defined == 0) {
    auto bits = read_bits(in, n);
    if (!bits) return bits.error();
    defined = std::move(*bits);
  } else {
    defined.assign(n, true);
  }
  std::vector<std::optional<std::uint32_t>> crcs(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (!defined[i]) continue;
    auto crc = in.u32();
    if (!crc) return crc.error();
    crcs[i] = *crc;
  }
  return crcs;
}

Status expect(Cursor& in, std::uint64_t id, std::string_view where) {
  auto got = in.number();
  if (!got) return got.error();
  if (*got != id)
    return corrupt("unexpected property " + std::to_string(*got) + " in " + std::string(where));
  return success();
}

} // namespace reelcheck::detail::sz
