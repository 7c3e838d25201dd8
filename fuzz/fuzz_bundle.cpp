// Whole-bundle opening, as `reelcheck verify` and the web page do it. The input is
// "<transport key>\n<file name>\n<file bytes>": the seeds (fuzz/make_seeds.sh) pair each
// fixture bundle with its real key and name, so mutations reach the keys archive and the
// key files behind a correct key. The file's archive CRCs are recomputed first
// (fuzz_crc_fixup.hpp): a 7z's header CRCs, a zip's entry CRCs (and the header CRCs of stored
// 7z archives inside it), so mutations get past them to the parsers.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_crc_fixup.hpp"
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
  std::vector<std::uint8_t> file(data + name_end + 1, data + size);
  fuzz::fix_archive_crcs(file, fuzz::fuzz_limits().max_entry_size);
  const InputFile input{name, ByteView(file)};

  const BundleReader reader(fuzz::fuzz_limits());
  auto bundle = reader.open(std::span<const InputFile>(&input, 1), key);
  if (!bundle) {
    if (bundle.error().message.empty()) std::abort();
    return 0;
  }
  if (bundle->archives.size() + bundle->missing_archives.size() != 4) std::abort();
  return 0;
}
