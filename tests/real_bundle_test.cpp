// The real Cloud ID bundle (shared/reference/real-bundle, 200 chips; its README.md lists what it
// holds): every one of its 600 device certificates must verify under the embedded Infineon CAs,
// the Infineon device profile included. The only certificates Infineon signed that the suite
// has, so they are what shows that a rule for the embedded CAs does not refuse the real thing.
// The keys archive is not opened: its transport key is not public.
//
// The folder is the CMake cache path REELCHECK_REAL_BUNDLE_DIR (default: the shared folder
// beside the checkout), or the environment variable of that name at run time. Absent, the test
// is skipped and says so.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <set>
#include <string>

#include "reelcheck/archive.hpp"
#include "reelcheck/trust.hpp"
#include "test_util.hpp"

using namespace reelcheck;
using namespace reelcheck::test;

namespace {

constexpr std::string_view kBundleFile = "78211223032C7EFA_bundle.7z";

fs::path real_bundle_dir() {
  if (const char* env = std::getenv("REELCHECK_REAL_BUNDLE_DIR"); env != nullptr && *env != '\0')
    return env;
  return REELCHECK_REAL_BUNDLE_DIR;
}

// Inside every device certificate's validity (2023-05-31 to 2043-06-01, read with openssl)
// and every Infineon CA's (to 2047 at the earliest): the verdicts do not depend on the day the
// suite runs.
const CheckTime kCheckTime = *parse_check_time("2030-01-01T00:00:00Z");

// The slot of a certificate archive ("<reel>_<GUID>_E0E0_Certs.7z"), or nullopt.
std::optional<Slot> certificate_archive_slot(std::string_view name) {
  constexpr std::string_view kSuffix = "_Certs.7z";
  if (!name.ends_with(kSuffix) || name.size() < kSuffix.size() + 4) return std::nullopt;
  return parse_slot(name.substr(name.size() - kSuffix.size() - 4, 4));
}

} // namespace

TEST(RealBundle, All600CertificatesVerifyUnderTheEmbeddedInfineonCas) {
  const fs::path path = real_bundle_dir() / kBundleFile;
  if (!fs::exists(path))
    GTEST_SKIP() << "the real bundle is not here: " << path
                 << " (point REELCHECK_REAL_BUNDLE_DIR, a CMake cache path or environment "
                    "variable, at the folder holding "
                 << kBundleFile << ")";

  const Bytes outer = read_file(path);
  const auto entries = SevenZipReader().read(view(outer), kBundleFile);
  ASSERT_TRUE(entries.ok()) << entries.error().message;

  const ChainVerifier verifier(TrustStore::infineon_default());
  const std::map<Slot, std::vector<std::string>> want_chain = {
      {Slot::kE0E0, {"Infineon OPTIGA(TM) Trust M CA 306", "Infineon OPTIGA(TM) ECC Root CA 2"}},
      {Slot::kE0E1, {"Infineon OPTIGA(TM) Trust M CA 306", "Infineon OPTIGA(TM) ECC Root CA 2"}},
      {Slot::kE0E2, {"Infineon OPTIGA(TM) Trust M CA 309", "Infineon OPTIGA(TM) RSA Root CA 2"}},
  };
  std::map<Slot, std::set<std::string>> chips; // per slot, of the certificates that verified
  std::size_t archives = 0, total = 0, ok = 0;
  for (const ArchiveEntry& entry : *entries) {
    const auto slot = certificate_archive_slot(entry.name);
    if (!slot) continue; // the keys archive and README.txt
    ++archives;
    const auto certificates = SevenZipReader().read(as_bytes(entry.data), entry.name);
    ASSERT_TRUE(certificates.ok()) << entry.name << ": " << certificates.error().message;
    for (const ArchiveEntry& cert : *certificates) {
      const CertificateFile file{entry.name, cert.name, *slot,
                                 std::vector<std::uint8_t>(cert.data.begin(), cert.data.end())};
      const CertificateVerdict v = verifier.verify(file, kCheckTime);
      ++total;
      if (v.ok() && v.chain == want_chain.at(*slot)) {
        ++ok;
        chips[*slot].insert(v.chip_id);
        continue;
      }
      if (total - ok > 10) continue; // the counts below say how many; ten show why
      std::string why;
      for (const auto& p : v.problems)
        why += "\n  " + std::string(problem_code_name(p.code)) + ": " + p.message;
      ADD_FAILURE() << entry.name << "/" << cert.name << " chain of " << v.chain.size() << why;
    }
  }
  EXPECT_EQ(archives, 3u);
  EXPECT_EQ(total, 600u);
  EXPECT_EQ(ok, 600u);
  // 200 chips, each with its three certificates.
  EXPECT_EQ(chips[Slot::kE0E0].size(), 200u);
  EXPECT_EQ(chips[Slot::kE0E0], chips[Slot::kE0E1]);
  EXPECT_EQ(chips[Slot::kE0E0], chips[Slot::kE0E2]);
}
