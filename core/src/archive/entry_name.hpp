// Shared by every archive reader: an entry name is accepted only if it is a relative path
// without "..", NUL or a drive/absolute prefix. Backslashes are normalised to '/'.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace reelcheck::detail {

// Returns the normalised name, or std::nullopt when the name is unsafe.
std::optional<std::string> normalise_entry_name(std::string_view raw);

// The last path component ("dir/a_E0E0.pem" -> "a_E0E0.pem").
std::string_view base_name(std::string_view path);

} // namespace reelcheck::detail
