#include "bundle/inner_archive_name.hpp"

#include "archive/entry_name.hpp"
#include "util/text.hpp"

namespace reelcheck::detail {

std::optional<InnerArchiveName> parse_inner_archive_name(std::string_view file_name) {
  static constexpr std::pair<std::string_view, InnerArchiveKind> kSuffixes[] = {
      {"_E0E0_Certs.7z", InnerArchiveKind::kE0E0Certs},
      {"_E0E1_Certs.7z", InnerArchiveKind::kE0E1Certs},
      {"_E0E2_Certs.7z", InnerArchiveKind::kE0E2Certs},
      {"_keys.7z", InnerArchiveKind::kKeys},
  };
  const std::string_view name = base_name(file_name);
  for (const auto& [suffix, kind] : kSuffixes) {
    if (!iends_with(name, suffix)) continue;
    const std::string_view stem = name.substr(0, name.size() - suffix.size());
    const auto us = stem.find('_');
    InnerArchiveName out{kind, std::string(stem.substr(0, us)), ""};
    if (us != std::string_view::npos) out.batch_id = std::string(stem.substr(us + 1));
    return out;
  }
  return std::nullopt;
}

} // namespace reelcheck::detail
