// WarningLog: oldest first, bounded, truncating, never waiting or allocating
// in add(), and every warning either taken or counted as dropped.
#include "backends/warning_log.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <string>
#include <chrono>
#include <thread>
#include <vector>

#include "rt_guard.hpp"

namespace {

using ringengine::WarningLog;

std::string take(WarningLog& log) {
  char buf[WarningLog::kTextMax];
  return log.take(buf, sizeof buf) ? std::string(buf) : std::string("<none>");
}

TEST(WarningLogTest, GivesWarningsOldestFirstAndEachOnce) {
  WarningLog log;
  EXPECT_EQ(take(log), "<none>");
  EXPECT_TRUE(log.add("first"));
  EXPECT_TRUE(log.add("second"));
  EXPECT_EQ(take(log), "first");
  EXPECT_TRUE(log.add("third"));
  EXPECT_EQ(take(log), "second");
  EXPECT_EQ(take(log), "third");
  EXPECT_EQ(take(log), "<none>");
  EXPECT_EQ(log.total(), 3u);
  EXPECT_EQ(log.dropped(), 0u);
}

TEST(WarningLogTest, LeavesTheBufferAloneWhenEmpty) {
  WarningLog log;
  char buf[8] = "keep";
  EXPECT_FALSE(log.take(buf, sizeof buf));
  EXPECT_STREQ(buf, "keep");
}

TEST(WarningLogTest, DropsAndCountsWhatDoesNotFit) {
  WarningLog log;
  for (std::size_t i = 0; i < WarningLog::kEntries; ++i)
    EXPECT_TRUE(log.add(std::to_string(i)));
  EXPECT_FALSE(log.add("one too many"));
  EXPECT_EQ(log.total(), WarningLog::kEntries + 1);
  EXPECT_EQ(log.dropped(), 1u);
  // The oldest are kept; taking one makes room for one more.
  EXPECT_EQ(take(log), "0");
  EXPECT_TRUE(log.add("late"));
  for (std::size_t i = 1; i < WarningLog::kEntries; ++i)
    EXPECT_EQ(take(log), std::to_string(i));
  EXPECT_EQ(take(log), "late");
}

TEST(WarningLogTest, TruncatesLongTextAndSmallBuffers) {
  WarningLog log;
  const std::string very_long(1000, 'x');
  ASSERT_TRUE(log.add(very_long));
  EXPECT_EQ(take(log), very_long.substr(0, WarningLog::kTextMax - 1));

  ASSERT_TRUE(log.add("abcdef"));
  char small[4];
  ASSERT_TRUE(log.take(small, sizeof small));
  EXPECT_STREQ(small, "abc");
}

TEST(WarningLogTest, AddNeitherAllocatesNorLocks) {
  WarningLog log;
  const std::string text(300, 'w'); // allocated before the guard is armed
  rt_guard::arm();
  for (int i = 0; i < 20; ++i) // fills the log, then drops
    log.add(text);
  const rt_guard::Violations v = rt_guard::disarm();
  EXPECT_EQ(v.total(), 0) << "allocations " << v.allocations << ", locks " << v.locks;
  EXPECT_EQ(log.dropped(), 20u - WarningLog::kEntries);
}

// Four threads add while one takes: every warning is either taken, whole and
// untorn, or counted as dropped.
TEST(WarningLogTest, ConcurrentWritersLoseNothingUncounted) {
  WarningLog log;
  constexpr int kWriters = 4, kEach = 20000;
  std::atomic<int> running{kWriters};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w)
    writers.emplace_back([&, w] {
      // Each writer's text is one letter repeated: a torn copy mixes letters.
      const std::string text(100 + w * 20, static_cast<char>('a' + w));
      for (int i = 0; i < kEach; ++i)
        log.add(text);
      running.fetch_sub(1);
    });
  std::uint64_t taken = 0;
  char buf[WarningLog::kTextMax];
  for (;;) {
    const bool done = running.load() == 0; // read before the last drain
    while (log.take(buf, sizeof buf)) {
      ++taken;
      const std::size_t n = std::strlen(buf);
      ASSERT_EQ(n, static_cast<std::size_t>(100 + (buf[0] - 'a') * 20));
      ASSERT_EQ(std::string(n, buf[0]), buf);
    }
    if (done)
      break;
    // As a control thread would: not back at once, or a reader spinning on
    // an empty log can hold the flag so often that every add loses to it.
    std::this_thread::sleep_for(std::chrono::microseconds(20));
  }
  for (std::thread& t : writers)
    t.join();
  EXPECT_EQ(log.total(), std::uint64_t{kWriters} * kEach);
  EXPECT_EQ(taken + log.dropped(), log.total());
  EXPECT_GT(taken, 0u);
}

} // namespace
