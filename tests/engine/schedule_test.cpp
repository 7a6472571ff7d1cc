// The audio thread's schedule: by frame, then by arrival; full refuses.
#include <gtest/gtest.h>

#include <vector>

#include "core/schedule.hpp"

namespace ringengine {
namespace {

TEST(ScheduleTest, PopsByFrameThenByArrival) {
  Schedule s(8);
  ASSERT_TRUE(s.push(Message::set_param(0, Param::gain, 1, 300)));
  ASSERT_TRUE(s.push(Message::set_param(1, Param::gain, 1, 100)));
  ASSERT_TRUE(s.push(Message::set_param(2, Param::gain, 1, 300)));
  ASSERT_TRUE(s.push(Message::set_param(3, Param::gain, 1, 200)));
  ASSERT_TRUE(s.push(Message::set_param(4, Param::gain, 1, 100)));
  std::vector<std::uint32_t> order;
  while (s.size() != 0)
    order.push_back(s.pop().id);
  EXPECT_EQ(order, (std::vector<std::uint32_t>{1, 4, 3, 0, 2}));
  EXPECT_EQ(s.next_frame(), kFrameNext);
}

TEST(ScheduleTest, RefusesWhenFull) {
  Schedule s(2);
  EXPECT_TRUE(s.push(Message::set_param(0, Param::gain, 1, 5)));
  EXPECT_TRUE(s.push(Message::set_param(0, Param::gain, 1, 6)));
  EXPECT_FALSE(s.push(Message::set_param(0, Param::gain, 1, 1)));
  EXPECT_EQ(s.pop().frame, 5u);
}

} // namespace
} // namespace ringengine
