// Text for messages a person reads: sizes in the units limits are configured in, and names
// from hostile archives made safe to print.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace reelcheck::detail {

// "256 MiB", "2 KiB", "3003 bytes": whole MiB or KiB when the size is a multiple of one,
// otherwise the exact byte count (a limit message must not round the limit).
std::string format_size(std::uint64_t bytes);

// The name with control characters (a NUL, an escape sequence) replaced by '?', so a hostile
// name cannot mangle a terminal or a log; cut to `max_chars` characters plus "..." if longer.
std::string printable(std::string_view name, std::size_t max_chars = std::string_view::npos);

} // namespace reelcheck::detail
