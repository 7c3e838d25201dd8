// Parsing of a 7z StreamsInfo (packed streams, folders of coders, substreams), the part of the
// header that says how to get each file's bytes. Every count is checked against the bytes
// that remain and against Limits before anything is allocated for it.
#pragma once

#include "archive/seven_zip_cursor.hpp"
#include "archive/seven_zip_model.hpp"
#include "reelcheck/archive.hpp"

namespace reelcheck::detail::sz {

// Reads from the first property ID after the StreamsInfo's own ID up to its kEnd.
Status read_streams_info(Cursor& in, const Limits& limits, StreamsInfo& out);

} // namespace reelcheck::detail::sz
