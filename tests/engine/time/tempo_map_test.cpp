// The tempo map on its own: frames to beats and back under tempo changes,
// the grid, and what a full map refuses.
#include "time/tempo_map.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

namespace ringengine {
namespace {

constexpr std::uint32_t kRate = 48000;

TEST(TempoMapTest, ABeatIsSixtyOverTheTempoInFrames) {
  const TempoMap map(kRate);
  EXPECT_EQ(map.beat_at(0), 0.0);
  EXPECT_EQ(map.beat_at(24000), 1.0); // 120 BPM: half a second a beat
  EXPECT_EQ(map.frame_at(1.0), 24000u);
  EXPECT_EQ(map.frame_at(4.0), 96000u);
  EXPECT_EQ(map.frame_at(-3.0), 0u);
}

TEST(TempoMapTest, FrameAtIsTheFirstFrameAtOrAfterTheBeatEvenWhenABeatIsNoWholeFrame) {
  TempoMap map(kRate, 98.0); // 29387.755... frames a beat
  for (std::uint64_t f = 0; f < 200000; f += 997) {
    EXPECT_EQ(map.frame_at(map.beat_at(f)), f) << f;
  }
  for (int k = 1; k < 2000; ++k) {
    const double beat = k * 0.25;
    const std::uint64_t f = map.frame_at(beat);
    EXPECT_GE(map.beat_at(f), beat);
    EXPECT_LT(map.beat_at(f - 1), beat) << k;
  }
  // Far on the same holds: 10,000 bars of 4 at 98 BPM.
  const std::uint64_t far = map.frame_at(40000.0);
  EXPECT_GE(map.beat_at(far), 40000.0);
  EXPECT_LT(map.beat_at(far - 1), 40000.0);
  EXPECT_EQ(far, static_cast<std::uint64_t>(std::ceil(40000.0 * 60 * kRate / 98.0)));
}

TEST(TempoMapTest, TheBeatIsContinuousAcrossAChangeAndLaterOnesCountTheirs) {
  TempoMap map(kRate);
  ASSERT_TRUE(map.change(0, 48000, 60.0, 0)); // beat 2 at frame 48000, then a beat a second
  ASSERT_TRUE(map.change(0, 96000, 240.0, 0));
  EXPECT_EQ(map.beat_at(48000), 2.0);
  EXPECT_EQ(map.beat_at(72000), 2.5);
  EXPECT_EQ(map.beat_at(96000), 3.0);
  EXPECT_EQ(map.beat_at(108000), 4.0);
  EXPECT_EQ(map.frame_at(2.5), 72000u);
  EXPECT_EQ(map.frame_at(4.0), 108000u);
  // A change inserted before the others moves their beats, not their frames.
  ASSERT_TRUE(map.change(0, 24000, 240.0, 0)); // from beat 1: four a second
  EXPECT_EQ(map.beat_at(48000), 3.0);
  EXPECT_EQ(map.segment(2).frame, 48000u);
  EXPECT_EQ(map.segment(2).beat, 3.0);
  EXPECT_EQ(map.beat_at(96000), 4.0);
  // One at a frame that has one replaces it.
  ASSERT_TRUE(map.change(0, 48000, 120.0, 0));
  EXPECT_EQ(map.size(), 4u);
  EXPECT_EQ(map.beat_at(96000), 5.0);
}

TEST(TempoMapTest, AChangeForThePastIsMadeNow) {
  TempoMap map(kRate);
  ASSERT_TRUE(map.change(48000, 1000, 60.0, 0));
  EXPECT_EQ(map.segment(1).frame, 48000u);
  EXPECT_EQ(map.beat_at(1000), 1000.0 / 24000);
}

TEST(TempoMapTest, BarLinesAndGridsCountFromTheDownbeat) {
  TempoMap map(kRate); // 24000 frames a beat, 4 a bar
  EXPECT_EQ(map.grid_at_or_after(1, 0).frame, 96000u);
  EXPECT_EQ(map.grid_at_or_after(1, 0).beat, 4.0);
  EXPECT_EQ(map.grid_at_or_after(0, 0).frame, 0u); // a line on `from` counts
  EXPECT_EQ(map.grid_at_or_after(0, 0).beat, 0.0);  // beat 0's, not one before frame 0
  EXPECT_EQ(map.grid_at_or_after(0, 0.25).beat, 0.0);
  EXPECT_EQ(map.grid_at_or_after(96000, 0).frame, 96000u);
  EXPECT_EQ(map.grid_at_or_after(96001, 1).frame, 120000u);
  EXPECT_EQ(map.grid_at_or_after(96001, 0.25).frame, 102000u);
  // Three beats a bar from frame 48000 (beat 2): that frame is a downbeat.
  ASSERT_TRUE(map.change(0, 48000, 120.0, 3));
  EXPECT_EQ(map.grid_at_or_after(1, 0).frame, 48000u); // the new bar, not beat 4
  EXPECT_EQ(map.grid_at_or_after(48001, 0).frame, 48000u + 3 * 24000);
  EXPECT_EQ(map.grid_at_or_after(48001, 1).frame, 72000u);
}

TEST(TempoMapTest, AGridLineLaterThanATempoChangeFallsWhereTheNewTempoPutsIt) {
  TempoMap map(kRate);
  ASSERT_TRUE(map.change(0, 72000, 60.0, 0)); // beat 3, then a beat a second
  const GridPoint bar = map.grid_at_or_after(1, 0);
  EXPECT_EQ(bar.beat, 4.0);
  EXPECT_EQ(bar.frame, 72000u + 48000u);
}

TEST(TempoMapTest, AMapFullOfChangesToComeRefusesAndForgetsThePastToMakeRoom) {
  TempoMap map(kRate);
  for (std::size_t i = 1; i < TempoMap::kCapacity; ++i)
    ASSERT_TRUE(map.change(0, 1000 * i, 100.0 + i, 0)) << i;
  EXPECT_EQ(map.size(), TempoMap::kCapacity);
  const double last = map.beat_at(1000 * TempoMap::kCapacity);
  EXPECT_FALSE(map.change(0, 1000000, 90.0, 0)); // all to come: refused
  EXPECT_EQ(map.size(), TempoMap::kCapacity);
  EXPECT_EQ(map.beat_at(1000 * TempoMap::kCapacity), last);
  // Once two changes are past, the oldest is forgotten for a new one.
  EXPECT_TRUE(map.change(2000, 1000000, 90.0, 0));
  EXPECT_EQ(map.size(), TempoMap::kCapacity);
  EXPECT_EQ(map.segment(0).frame, 1000u);
  EXPECT_EQ(map.beat_at(1000 * TempoMap::kCapacity), last); // the beats kept
}

TEST(TempoMapTest, AGridSearchFromBeyondWhereFramesAreCountedEnds) {
  TempoMap map(kRate);
  const std::uint64_t far = std::uint64_t{1} << 62;
  const GridPoint p = map.grid_at_or_after(far, 0.25); // returns: no endless search
  EXPECT_EQ(p.frame, far);
}

TEST(TempoMapTest, SetDownbeatCountsBarsAndGridsFromItsBeatOnAndKeepsTheBeats) {
  TempoMap map(kRate); // 120 BPM: a bar of 96000 frames
  ASSERT_TRUE(map.set_downbeat(0, 50000, 1.25));
  // Before the change, the bars of beat 0; from it, of beat 1.25.
  EXPECT_EQ(map.grid_at_or_after(0, 0).frame, 0u);
  EXPECT_EQ(map.grid_at_or_after(10000, 1.0).frame, 24000u);  // beat 1, of beat 0's grid
  EXPECT_EQ(map.grid_at_or_after(10000, 0).frame, 126000u);   // the old bar 1 is past the sync
  EXPECT_EQ(map.grid_at_or_after(60000, 0).frame, 30000u + 96000u);
  EXPECT_EQ(map.grid_at_or_after(60000, 0).beat, 5.25);
  EXPECT_EQ(map.grid_at_or_after(50000, 1.0).frame, 54000u); // beats 1.25 + k
  EXPECT_EQ(map.beat_at(60000), 2.5) << "the beats stay";
  EXPECT_EQ(map.frame_at(2.5), 60000u);
  // A tempo change after it keeps its origin; one of beats_per_bar starts a bar.
  ASSERT_TRUE(map.change(0, 200000, 60.0, 0)); // beat 8.333..., a beat a second
  const double beat = map.beat_at(200000);
  EXPECT_EQ(map.grid_at_or_after(200000, 0).beat, 9.25);
  ASSERT_TRUE(map.change(0, 300000, 60.0, 3));
  EXPECT_EQ(map.grid_at_or_after(300000, 0).frame, 300000u);
  EXPECT_GT(beat, 8.0);
  // Replacing the tempo at the sync's own frame keeps the sync.
  ASSERT_TRUE(map.change(0, 50000, 120.0, 0));
  EXPECT_EQ(map.grid_at_or_after(60000, 0).beat, 5.25);
}

} // namespace
} // namespace ringengine
