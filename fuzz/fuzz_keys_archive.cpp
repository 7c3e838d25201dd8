// The keys-archive rules through the whole-bundle entry point (BundleReader::open, as
// `reelcheck verify` does it with loose archives): the input is "<transport key>\n<keys
// archive>", handed over beside three fixed certificate archives (empty 7z archives, so the
// time goes to the keys archive). The seeds (fuzz/make_seeds.py) are keys archives made by 7zz:
// encrypted with and without -mhe, cheaply re-keyed copies, an unencrypted one, one with a
// plaintext key file added beside encrypted ones, one with a second pair; all under
// kFuzzTransportKey, which their key line holds. The archive's header CRCs are recomputed
// first (fuzz_crc_fixup.hpp); its data CRCs, which detect a wrong key, never are.
//
// What must hold: every key file comes out of an encrypted folder whose CRC checked, so key
// files depend on the key: when a bundle opens with key files, the same bundle opened with
// any other key must not yield them (wrong_key, or an error, but never key files).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_crc_fixup.hpp"
#include "fuzz_limits.hpp"
#include "reelcheck/bundle.hpp"

namespace {

using namespace reelcheck;

// Longer than any real key and than the reader's bound, so that bound is fuzzed too.
constexpr std::size_t kMaxKeyLine = 512;

// An empty 7z archive, as 7-Zip writes one: the signature header alone, pointing at nothing.
std::vector<std::uint8_t> empty_seven_zip() {
  std::vector<std::uint8_t> a = {'7', 'z', 0xBC, 0xAF, 0x27, 0x1C, 0, 4};
  a.resize(32, 0);
  fuzz::fix_seven_zip_crcs(a);
  return a;
}

Result<Bundle> open(ByteView keys_archive, ByteView key) {
  static const std::vector<std::uint8_t> kEmpty = empty_seven_zip();
  const InputFile inputs[] = {
      {"R2400017_B7F3C1_E0E0_Certs.7z", ByteView(kEmpty)},
      {"R2400017_B7F3C1_E0E1_Certs.7z", ByteView(kEmpty)},
      {"R2400017_B7F3C1_E0E2_Certs.7z", ByteView(kEmpty)},
      {"R2400017_B7F3C1_keys.7z", keys_archive},
  };
  return BundleReader(fuzz::fuzz_limits()).open(inputs, key);
}

bool has_key_files(const Bundle& b) {
  return !b.pbs.name.empty() || !b.auth.name.empty();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto key_end = text.find('\n');
  if (key_end == std::string_view::npos || key_end > kMaxKeyLine) return 0;
  std::vector<std::uint8_t> key(data, data + key_end);
  std::vector<std::uint8_t> archive(data + key_end + 1, data + size);
  fuzz::fix_seven_zip_crcs(archive);

  auto bundle = open(ByteView(archive), ByteView(key));
  if (!bundle) {
    if (bundle.error().message.empty()) std::abort();
    return 0;
  }
  if (bundle->archives.size() + bundle->missing_archives.size() != 4) std::abort();
  if (!has_key_files(*bundle)) return 0;

  // Another key: its first byte that is not white space (the reader trims those) flipped.
  std::size_t first = 0;
  while (first < key.size() && (key[first] == ' ' || key[first] == '\t' || key[first] == '\r'))
    ++first;
  if (first == key.size()) std::abort(); // key files without a key
  key[first] ^= 1;
  auto again = open(ByteView(archive), ByteView(key));
  if (again && has_key_files(*again)) std::abort(); // key files that do not need the key
  return 0;
}
