// The page's coordinator runs its once-per-run code on made-up reels after loading
// (wasm/coordinator_warm_up.hpp), so that V8 optimises it before the first run. The warm-up is
// only worth its time if the made-up reel goes through every step as a real one would: a step
// that refused it (a key line the parser rejects, a hand-off the check refuses) would leave the
// steps after it unrun, and the chips would not all come out OK.
#include <gtest/gtest.h>

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
  EXPECT_EQ(wasm::warm_up_reel(17).chips, 17u);
  EXPECT_EQ(wasm::warm_up_reel(17).ok, 17u);
}

TEST(CoordinatorWarmUp, RunsAsThePageCallsIt) {
  EXPECT_NO_THROW(wasm::warm_up_coordinator());
}
