// The keys-archive rules through the whole-bundle entry point (BundleReader::open, as
// `reelcheck verify` does it with loose archives): the input is "<transport key>\n<keys
// archive>", handed over beside three fixed certificate archives (empty 7z archives, so the
// time goes to the keys archive). The seeds (fuzz/make_seeds.py) are keys archives made by 7zz:
// encrypted with and without -mhe, cheaply re-keyed copies, an unencrypted one, one with a
// plaintext key file added beside encrypted ones, one with a second pair; all under
// kFuzzTransportKey, which their key line holds. The archive's header CRCs are recomputed
// first (fuzz_crc_fixup.hpp); its data CRCs, which detect a wrong key, never are.
//
// What must hold when the bundle opens with key files:
// - they depend on the key: the same bundle opened with any other key does not yield them
//   (wrong_key, or another error, but never key files). Checked from the outside, without
//   the reader's `encrypted` flag;
// - the keys archive, read alone with the key, holds exactly one entry of each kind taken,
//   decrypted (encrypted = true), and no other key file.
#include <cctype>
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

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

// The keys archive alone: each key file the bundle took is its only entry of that name, and
// was decrypted.
void check_against_archive(const Bundle& bundle, ByteView archive, ByteView key) {
  auto entries =
      SevenZipReader(fuzz::fuzz_limits()).read(archive, "keys.7z", trim_transport_key(key));
  if (!entries) std::abort(); // the bundle read it with this key
  std::size_t pbs = 0, auth = 0;
  for (const ArchiveEntry& e : *entries) {
    const std::string_view name = e.name;
    const std::string_view base = name.substr(name.find_last_of('/') + 1);
    const bool is_pbs = iequals(base, "PBS_keys.txt"), is_auth = iequals(base, "auto_keys.txt");
    if (!is_pbs && !is_auth) continue;
    if (!e.encrypted) std::abort(); // a plaintext key file beside the taken ones
    (is_pbs ? pbs : auth) += 1;
  }
  if (pbs > 1 || auth > 1) std::abort(); // one of two was picked
  if ((pbs == 1) != !bundle.pbs.name.empty() || (auth == 1) != !bundle.auth.name.empty())
    std::abort();
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
  check_against_archive(*bundle, ByteView(archive), ByteView(key));

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
