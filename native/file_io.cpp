#include "file_io.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace reelcheck::cli {

namespace fs = std::filesystem;

std::vector<InputFile> LoadedInput::inputs() const {
  std::vector<InputFile> out;
  for (std::size_t i = 0; i < names.size(); ++i)
    out.push_back(InputFile{names[i], contents[i]});
  return out;
}

Result<std::vector<std::uint8_t>> read_file(const fs::path& path, std::uint64_t max_size) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) return make_error(ErrorCode::kBadInput, path.string() + ": " + ec.message());
  if (size > max_size)
    return make_error(ErrorCode::kLimitExceeded, path.string() + " is larger than the " +
                                                     std::to_string(max_size >> 20) +
                                                     " MiB input limit");
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::kBadInput, path.string() + ": " + std::strerror(errno));
  std::vector<std::uint8_t> data(size);
  in.read(reinterpret_cast<char*>(data.data()), static_cast<std::streamsize>(size));
  if (static_cast<std::uint64_t>(in.gcount()) != size)
    return make_error(ErrorCode::kBadInput, path.string() + ": could not read the whole file");
  return data;
}

Result<LoadedInput> load_bundle_argument(const fs::path& path, std::uint64_t max_input_size) {
  LoadedInput loaded;
  loaded.display_name = path.string();
  std::error_code ec;
  std::vector<fs::path> files;
  if (fs::is_directory(path, ec)) {
    for (const auto& entry : fs::directory_iterator(path, ec))
      if (entry.is_regular_file()) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    if (files.empty())
      return make_error(ErrorCode::kBadInput, path.string() + " is an empty folder");
  } else {
    files.push_back(path);
  }
  std::uint64_t total = 0;
  for (const auto& file : files) {
    auto data = read_file(file, max_input_size - std::min(total, max_input_size));
    if (!data) return data.error();
    total += data->size();
    loaded.names.push_back(file.filename().string());
    loaded.contents.push_back(std::move(*data));
  }
  return loaded;
}

bool write_file(const fs::path& path, std::string_view content, std::string& error) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out) {
    error = path.string() + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

} // namespace reelcheck::cli
