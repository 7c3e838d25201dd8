#include "archive/entry_name.hpp"

namespace reelcheck::detail {

std::optional<std::string> normalise_entry_name(std::string_view raw) {
  if (raw.empty()) return std::nullopt;
  std::string name(raw);
  for (char& c : name) {
    if (c == '\0') return std::nullopt;
    if (c == '\\') c = '/';
  }
  if (name.front() == '/') return std::nullopt;
  if (name.size() >= 2 && name[1] == ':') return std::nullopt; // "C:..." drive paths
  std::string_view rest = name;
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    const std::string_view part = rest.substr(0, slash);
    if (part == "..") return std::nullopt;
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return name;
}

std::string_view base_name(std::string_view path) {
  const auto slash = path.find_last_of("/\\");
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

} // namespace reelcheck::detail
