// Recognises the inner archives of a bundle by name: <reelID>_<GUID or batch ID>_<kind>.7z
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "reelcheck/bundle.hpp"

namespace reelcheck::detail {

struct InnerArchiveName {
  InnerArchiveKind kind;
  std::string reel_id;
  std::string batch_id;
};

std::optional<InnerArchiveName> parse_inner_archive_name(std::string_view file_name);

} // namespace reelcheck::detail
