// Timings that used to be asserted by tests (tests never judge wall time): reading 12,000
// PEM files from one solid 7z, how fast hostile archives are refused by the limits, and the
// 7z AES key derivation on the SHA instructions against the portable SHA-256.
//   archive_bench [--kdf-only]   (needs 7zz, except --kdf-only; makes its archives in a
//                                 temporary folder)
// Prints milliseconds per case (median of 5 runs; the key derivation: median of 9 pairs, the
// two paths alternating, and the ratio of each pair).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "archive/seven_zip_aes.hpp"
#include "crypto/sha256.hpp"
#include "reelcheck/archive.hpp"
#ifdef REELCHECK_TEST_HOOKS
#include "reelcheck/testing.hpp" // to force the portable SHA-256 for the comparison
#endif

namespace fs = std::filesystem;
using namespace reelcheck;
using Bytes = std::vector<std::uint8_t>;

namespace {

Bytes slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

bool sh(const std::string& command) {
  return std::system((command + " >/dev/null 2>&1").c_str()) == 0;
}

double median_ms(const std::function<void()>& run) {
  std::vector<double> ms;
  for (int i = 0; i < 5; ++i) {
    const auto t = std::chrono::steady_clock::now();
    run();
    ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count());
  }
  std::sort(ms.begin(), ms.end());
  return ms[2];
}

void report(const char* what, const Result<std::vector<ArchiveEntry>>& last, double ms) {
  std::printf("%-58s %9.1f ms  (%s)\n", what, ms,
              last.ok() ? (std::to_string(last->size()) + " entries").c_str()
                        : last.error().message.substr(0, 60).c_str());
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// One 7zAES key derivation as an archive's first folder costs it: 2^19 rounds (7-Zip's
// default), no salt, a 17-character password (the bytes hashed are printed: the cost is linear
// in them). Each pair runs the SHA instructions and the portable code back to back, so a
// change in the machine's speed touches both.
void bench_key_derivation() {
  const std::string password = "0123456789ABCDEF0";
  const ByteView utf8(reinterpret_cast<const std::uint8_t*>(password.data()), password.size());
  detail::sz::AesParams params;
  params.cycles_power = 19;
  const Limits limits;
  auto derive_ms = [&] {
    ArchiveWork spent;
    detail::sz::AesKeyCache keys(utf8, limits, spent);
    const auto t = std::chrono::steady_clock::now();
    if (!keys.key_for(params)) std::abort();
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
  };
  const double mb =
      static_cast<double>(detail::sz::derivation_bytes(params, 2 * password.size())) / 1e6;
  const bool hardware = detail::Sha256::hardware_accelerated();
#ifdef REELCHECK_TEST_HOOKS
  if (hardware) {
    std::vector<double> fast, portable, ratio;
    derive_ms(); // warm-up
    for (int i = 0; i < 9; ++i) {
      fast.push_back(derive_ms());
      reelcheck::testing::force_portable_sha256(true);
      portable.push_back(derive_ms());
      reelcheck::testing::force_portable_sha256(false);
      ratio.push_back(portable.back() / fast.back());
    }
    std::printf("7z AES key derivation, 2^19 rounds, %.1f MB hashed: SHA instructions %.1f ms, "
                "portable %.1f ms (portable/SHA instructions %.2fx, median of 9 pairs)\n",
                mb, median(fast), median(portable), median(ratio));
    return;
  }
#endif
  std::vector<double> ms;
  for (int i = 0; i < 5; ++i)
    ms.push_back(derive_ms());
  std::printf("7z AES key derivation, 2^19 rounds, %.1f MB hashed: %.1f ms (%s)\n", mb,
              median(ms), hardware ? "SHA instructions" : "portable SHA-256: no SHA extensions");
}

} // namespace

int main(int argc, char** argv) {
  bench_key_derivation();
  if (argc == 2 && std::string_view(argv[1]) == "--kdf-only") return 0;
  char pattern[] = "/tmp/reelcheck-archive-bench-XXXXXX";
  if (mkdtemp(pattern) == nullptr) return 1;
  const fs::path dir = pattern;
  const fs::path src = dir / "pems";
  fs::create_directories(src);
  std::mt19937 rng(1);
  for (int i = 0; i < 12000; ++i) {
    char name[64];
    std::snprintf(name, sizeof name, "0A1B2C%04X%04X_E0E0.pem", i / 100, i % 100);
    std::string body = "-----BEGIN CERTIFICATE-----\n";
    for (int k = 0; k < 900; ++k)
      body.push_back(k % 65 == 64 ? '\n' : static_cast<char>('A' + rng() % 26));
    std::ofstream(src / name) << body << "-----END CERTIFICATE-----\n";
  }
  const std::string q = "'" + dir.string() + "'";
  if (!sh("cd " + q + "/pems && 7zz a -bd -y -m0=LZMA2 -mx1 -ms=on ../pems.7z .") ||
      !sh("head -c 2147483648 /dev/zero | 7zz a -bd -y -mx1 -sizeros.bin " + q + "/bomb.7z") ||
      !sh("head -c 2G /dev/zero | 7zz a -tzip -mx1 -bd -sizeros.bin " + q + "/bomb.zip") ||
      !sh("cd " + q +
          "/pems && 7zz a -bd -y -mx0 -ms=off -mhc=off -mhe=off -pkey ../many.7z "
          "0A1B2C00000000_E0E0.pem 0A1B2C00000001_E0E0.pem")) {
    std::fprintf(stderr, "archive_bench: 7zz failed\n");
    return 1;
  }
  const Bytes pems = slurp(dir / "pems.7z"), bomb7z = slurp(dir / "bomb.7z"),
              bombzip = slurp(dir / "bomb.zip");

  Result<std::vector<ArchiveEntry>> last = std::vector<ArchiveEntry>{};
  report("12,000 PEM files from one solid LZMA2 7z", last = SevenZipReader().read(pems, "pems.7z"),
         median_ms([&] { last = SevenZipReader().read(pems, "pems.7z"); }));
  report("2 GiB of zeros in a 7z: refused (entry limit)", last,
         median_ms([&] { last = SevenZipReader().read(bomb7z, "bomb.7z"); }));
  report("2 GiB of zeros in a zip: refused (entry limit)", last,
         median_ms([&] { last = ZipReader().read(bombzip, "bomb.zip"); }));
  const std::string key = "key";
  const ByteView password(reinterpret_cast<const std::uint8_t*>(key.data()), key.size());
  const Bytes honest = slurp(dir / "many.7z");
  report("7z AES, 2 folders, one 2^19-round key (7-Zip's default)", last,
         median_ms([&] { last = SevenZipReader().read(honest, "many.7z", password); }));
  fs::remove_all(dir);
  return 0;
}
