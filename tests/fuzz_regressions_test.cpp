// Inputs the fuzz campaigns (fuzz/README.md) found troublesome, kept in tests/regressions/
// <target>/ and replayed through the same core call as the fuzz target. Each must come back
// with a result whose work stayed inside the limits: these are the cases that once did not.
#include <gtest/gtest.h>

#include <string>

#include "archive/seven_zip_crc.hpp"
#include "reelcheck/archive.hpp"
#include "test_util.hpp"

namespace {

using namespace reelcheck;
using namespace reelcheck::test;

constexpr std::string_view kFuzzTransportKey = "Fuzz-Transport-Key-2026"; // fuzz_seven_zip_password

std::vector<fs::path> inputs(const std::string& target) {
  std::vector<fs::path> out;
  for (const auto& e :
       fs::directory_iterator(fs::path(REELCHECK_SOURCE_DIR) / "tests/regressions" / target))
    out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

// Reported by fuzz_seven_zip_password as timeouts (-timeout=20) in a campaign run at nice 19
// on a loaded machine, before key derivation had a budget. Replayed alone each takes one
// 2^19-round derivation and ends as a wrong key (its mutated header no longer decrypts): the
// "timeouts" were CPU starvation, not unbounded work. Kept to pin exactly that down: the
// work is one derivation, and the answer is a clear error.
TEST(FuzzRegressions, SevenZipPasswordTimeoutsWereOneDerivationEach) {
  const auto files = inputs("seven_zip_password");
  ASSERT_EQ(files.size(), 2u);
  for (const auto& path : files) {
    SCOPED_TRACE(path.filename().string());
    const Bytes archive = read_file(path);
    ArchiveWork spent;
    auto r = SevenZipReader().read(view(archive), "regression.7z", view(kFuzzTransportKey), spent);
    EXPECT_EQ(spent.key_bytes, (std::uint64_t{1} << 19) * (2 * kFuzzTransportKey.size() + 8));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kWrongKey) << r.error().message;
    EXPECT_EQ(r.error().message, "wrong transport key: it does not decrypt regression.7z");
  }
}

// Found by fuzz_seven_zip in its first campaign with recomputed header CRCs
// (fuzz/fuzz_crc_fixup.hpp): an encoded header whose one folder unpacks to nothing. The CRC of
// that empty buffer was computed through its null data pointer, and the LZMA SDK's CRC code
// does pointer arithmetic on it: undefined behaviour, which the sanitizer builds stop on. Kept
// with its header CRCs fixed up, so the reader alone gets there in every build.
TEST(FuzzRegressions, SevenZipCrcOfAnEmptyBuffer) {
  EXPECT_EQ(detail::seven_zip_crc(ByteView{}), 0u); // the CRC of nothing, without a pointer
  const auto files = inputs("seven_zip");
  ASSERT_EQ(files.size(), 1u);
  const Bytes archive = read_file(files[0]);
  auto r = SevenZipReader().read(view(archive), "regression.7z");
  ASSERT_FALSE(r.ok());
  // Its folder CRC is not that of an empty header: now found by the check, not by UBSan.
  EXPECT_EQ(r.error().code, ErrorCode::kCrcMismatch) << r.error().message;
}

} // namespace
