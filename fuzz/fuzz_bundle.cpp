// Whole-bundle opening, as `reelcheck verify` and the web page do it. The input is
// "<transport key>\n<file name>\n<file bytes>": the seeds (fuzz/make_seeds.sh) pair each
// fixture bundle with its real key and name, so mutations reach the keys archive and the
// key files behind a correct key.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz_limits.hpp"
#include "reelcheck/bundle.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace reelcheck;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto key_end = text.find('\n');
  if (key_end == std::string_view::npos || key_end > 128) return 0;
  const auto name_end = text.find('\n', key_end + 1);
  if (name_end == std::string_view::npos || name_end - key_end - 1 > 255) return 0;
  const ByteView key(data, key_end);
  std::string name(text.substr(key_end + 1, name_end - key_end - 1));
  if (name.empty()) name = "bundle.7z";
  const InputFile input{name, ByteView(data, size).subspan(name_end + 1)};

  const BundleReader reader(fuzz::fuzz_limits());
  auto bundle = reader.open(std::span<const InputFile>(&input, 1), key);
  if (!bundle) {
    if (bundle.error().message.empty()) std::abort();
    return 0;
  }
  if (bundle->archives.size() + bundle->missing_archives.size() != 4) std::abort();
  return 0;
}
