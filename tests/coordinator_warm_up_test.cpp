// The page's coordinator runs its once-per-run code on made-up reels after loading
// (wasm/coordinator_warm_up.hpp), so that V8 optimises it before the first run. The warm-up is
// only worth its time if the made-up reel goes through every step as a real one would: a step
// that refused it (a key line the parser rejects, a hand-off the check refuses) would leave the
// steps after it unrun, and the chips would not all come out OK.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "archive/seven_zip_lzma.hpp"
#include "coordinator_warm_up.hpp"

using namespace reelcheck;

TEST(CoordinatorWarmUp, MadeUpReelPassesEveryStep) {
  const ReportCounts counts = wasm::warm_up_reel(300);
  EXPECT_EQ(counts.chips, 300u);
  EXPECT_EQ(counts.ok, 300u); // both secrets parsed, all three certificates placed
  EXPECT_EQ(counts.failed, 0u);
  EXPECT_EQ(counts.extra, 0u);
  EXPECT_EQ(counts.certificates, 900u);
  EXPECT_EQ(counts.certificates_ok, 900u); // every verdict through the wire and the check
}

TEST(CoordinatorWarmUp, ChipIdsAreDistinctPastSixteen) {
  // IDs are hex counters: a reel larger than one hex digit's worth must still be one chip each.
  const ReportCounts counts = wasm::warm_up_reel(17);
  EXPECT_EQ(counts.chips, 17u);
  EXPECT_EQ(counts.ok, 17u);
}

TEST(CoordinatorWarmUp, ZeroBytesAreAnLzmaStreamOfZeros) {
  // The decoder must run through the whole stream: a stream it refused at its first bytes would
  // not make V8 optimise it.
  ASSERT_TRUE(wasm::warm_up_lzma());
  std::vector<std::uint8_t> out(wasm::kWarmUpLzmaOutput, 0xFF);
  const std::vector<std::uint8_t> zeros(wasm::kWarmUpLzmaInput, 0);
  const ByteView props(wasm::kWarmUpLzmaProps, sizeof wasm::kWarmUpLzmaProps);
  ASSERT_TRUE(detail::sz::lzma_decode(props, ByteView(zeros.data(), zeros.size()), out));
  EXPECT_TRUE(std::all_of(out.begin(), out.end(), [](std::uint8_t b) { return b == 0; }));
  // One byte fewer or more is refused (the stream must be used up exactly): the length is the
  // format's, not a guess.
  EXPECT_FALSE(detail::sz::lzma_decode(props, ByteView(zeros.data(), zeros.size() - 1), out));
  const std::vector<std::uint8_t> longer(wasm::kWarmUpLzmaInput + 1, 0);
  EXPECT_FALSE(detail::sz::lzma_decode(props, ByteView(longer.data(), longer.size()), out));
}

TEST(CoordinatorWarmUp, RunsAsThePageCallsIt) {
  EXPECT_NO_THROW(wasm::warm_up_coordinator());
}
