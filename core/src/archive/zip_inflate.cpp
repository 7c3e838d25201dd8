// Raw deflate through zlib into a buffer of exactly the declared size: inflation never writes
// past it, and a stream that would produce more (or less) is refused.
#include "archive/zip_inflate.hpp"

#include <zlib.h>

namespace reelcheck::detail::zip {

Result<SecureBytes> inflate_entry(const ZipInput& in, const CentralEntry& e, ByteView packed) {
  // Declared size already checked against the limits and the deflate ratio.
  SecureBytes out(static_cast<std::size_t>(e.size));
  std::uint8_t empty_target = 0; // zlib rejects a null next_out, even with avail_out == 0
  z_stream z{};
  if (inflateInit2(&z, -MAX_WBITS) != Z_OK) // raw deflate: zip has no zlib header
    return in.fail(ErrorCode::kCorrupt, "cannot initialise inflate for entry " + e.name);
  // Frees zlib's state on every path out of this function.
  struct Guard {
    z_stream* z;
    ~Guard() { inflateEnd(z); }
  } guard{&z};

  z.next_in = const_cast<Bytef*>(packed.data()); // zlib's API is not const-correct
  z.avail_in = static_cast<uInt>(packed.size()); // < 4 GiB: zip64 is refused
  z.next_out = out.empty() ? &empty_target : out.data();
  z.avail_out = static_cast<uInt>(out.size()); // <= max_entry_size
  int rc = inflate(&z, Z_FINISH);
  if (rc == Z_BUF_ERROR && z.avail_out == 0) {
    // The buffer is full but the stream goes on: probe one byte to tell "exactly the
    // declared size" (the stream just lacks its end) from "more than declared".
    std::uint8_t probe = 0;
    z.next_out = &probe;
    z.avail_out = 1;
    rc = inflate(&z, Z_FINISH);
    if (z.avail_out == 0)
      return in.fail(ErrorCode::kCorrupt,
                     "entry " + e.name + " inflates to more than its declared size");
  }
  if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT)
    return in.fail(ErrorCode::kCorrupt, "the deflate data of entry " + e.name + " is damaged");
  if (rc != Z_STREAM_END)
    return in.fail(ErrorCode::kCorrupt, "the deflate data of entry " + e.name + " ends early");
  if (z.total_out != out.size())
    return in.fail(ErrorCode::kCorrupt,
                   "entry " + e.name + " inflates to less than its declared size");
  return out;
}

} // namespace reelcheck::detail::zip
