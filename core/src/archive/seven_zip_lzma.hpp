// LZMA and LZMA2 decoding straight into a caller-sized output buffer: the buffer doubles as
// the decoder's dictionary, so a hostile dictionary size costs no memory beyond the
// (limit-checked) output. Only the small probability tables are allocated.
#pragma once

#include <cstdint>
#include <span>

#include "archive/seven_zip_model.hpp"

namespace reelcheck::detail::sz {

// Dictionary size the coder properties ask for; kCorrupt when the properties are malformed.
Result<std::uint64_t> lzma_dictionary_size(ByteView props);
Result<std::uint64_t> lzma2_dictionary_size(ByteView props);

// Decode exactly out.size() bytes from all of `in`. Errors: kCorrupt.
Status lzma_decode(ByteView props, ByteView in, std::span<std::uint8_t> out);
Status lzma2_decode(ByteView props, ByteView in, std::span<std::uint8_t> out);

} // namespace reelcheck::detail::sz
